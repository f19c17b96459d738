#!/usr/bin/env bash
# Create or refresh .venv with the pinned dependencies (requirements-dev.txt), quietly when it is
# already up to date. Used by `make` and `bin/synth`.
#
#   PYTHON           interpreter to build .venv with (default python3); must be 3.11 to 3.13
#   PYTHON_EXPLICIT  1 when the user chose PYTHON: an existing .venv of another version is rebuilt
#
# Exit status 3 when no usable interpreter exists or the install fails (the message says why).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
python=${PYTHON:-python3}
stamp=$venv/.installed

version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }
supported() { case "$1" in 3.11|3.12|3.13) return 0;; *) return 1;; esac; }
fail() { echo "error: $*" >&2; exit 3; }

if [ -x "$venv/bin/python" ]; then
  have=$(version_of "$venv/bin/python" || true)
  if [ "${PYTHON_EXPLICIT:-0}" = 1 ]; then
    want=$(version_of "$python") || fail "PYTHON=$python is not a working Python interpreter"
    if [ "$have" != "$want" ]; then
      echo "PYTHON=$python is Python $want but .venv has Python ${have:-unknown}: rebuilding .venv" >&2
      rm -rf "$venv"
    fi
  elif ! supported "$have"; then
    echo ".venv has Python ${have:-unknown}, which is not supported (3.11 to 3.13): rebuilding .venv" >&2
    rm -rf "$venv"
  fi
fi

if [ ! -x "$venv/bin/python" ]; then
  command -v "$python" >/dev/null 2>&1 || fail "$python not found; install Python 3.11, 3.12 or 3.13, or set PYTHON=<interpreter>"
  want=$(version_of "$python") || fail "$python is not a working Python interpreter"
  supported "$want" || fail "$python is Python $want; Python 3.11, 3.12 or 3.13 is needed (set PYTHON=<interpreter>)"
  "$python" -m venv "$venv" || fail "could not create $venv with $python (on Debian: apt-get install python3-venv)"
fi

# The stamp records what the environment was built from; anything else triggers a reinstall.
wanted="$(version_of "$venv/bin/python") $(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
  echo "installing pinned dependencies into $venv ..." >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt \
    || fail "pip could not install requirements-dev.txt into $venv"
  printf '%s\n' "$wanted" > "$stamp"
fi
