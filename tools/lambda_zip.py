"""Write a zip whose bytes depend only on the files put in it (no clock, no umask, no walk order).

Every entry gets the same timestamp, the same Unix mode and the same compression, and entries are
written in sorted order, so the same set of ``(name, bytes)`` always gives the same archive with a
given zlib. Directory entries are not written: Lambda (and ``zipfile``) creates parents itself.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Iterable, Mapping

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
"""The earliest timestamp a zip entry can carry; used for every entry."""
FILE_MODE = 0o100644
"""Regular file, rw-r--r--: Lambda only needs to read (``dlopen`` does not need the exec bit)."""
_UNIX = 3  # ZipInfo.create_system value that makes readers honour the Unix mode bits


def zip_entry(name: str) -> zipfile.ZipInfo:
    """A ``ZipInfo`` for ``name`` with the fixed timestamp, mode and compression."""
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
    info.create_system = _UNIX
    info.external_attr = FILE_MODE << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_deterministic_zip(path: Path, files: Mapping[str, Path]) -> None:
    """Write ``files`` (archive name -> source file) to ``path`` in sorted name order.

    Archive names use ``/`` and are relative; the source files' own timestamps and modes are
    ignored. The zip is written next to ``path`` and renamed into place, so a reader never sees
    half an archive.
    """
    for name in files:
        if name.startswith("/") or "\\" in name or ".." in name.split("/"):
            raise ValueError(f"archive name must be relative and use '/': {name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")  # concurrent builders never share one
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(files):
            archive.writestr(zip_entry(name), files[name].read_bytes(), compresslevel=6)
    partial.replace(path)


def entry_names(path: Path) -> list[str]:
    """The entry names of a zip, in archive order."""
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def collect_tree(root: Path, prefix: str, *, skip: Iterable[str] = ()) -> dict[str, Path]:
    """Map every regular file under ``root`` to ``prefix/<relative path>``.

    ``__pycache__`` directories and ``*.pyc``/``*.pyo`` files are always left out, as are the
    top-level names in ``skip``. Symlinks are followed.
    """
    skipped = set(skip)
    found: dict[str, Path] = {}
    for source in sorted(root.rglob("*")):
        relative = source.relative_to(root)
        if relative.parts[0] in skipped or "__pycache__" in relative.parts:
            continue
        if source.suffix in (".pyc", ".pyo") or not source.is_file():
            continue
        name = "/".join(filter(None, (prefix, relative.as_posix())))
        found[name] = source
    return found
