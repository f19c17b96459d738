"""Session setup shared by every test: one directory in which the xdist workers share program runs."""

from __future__ import annotations

import os
import shutil
import tempfile

from tests.support import SHARED_RUNS_ENV


def pytest_configure(config) -> None:
    # The controller (or a run without xdist) creates the directory before any worker starts; the
    # workers inherit the variable. A worker never creates its own.
    if hasattr(config, "workerinput") or os.environ.get(SHARED_RUNS_ENV):
        return
    directory = tempfile.mkdtemp(prefix="ai-gateway-runs-")
    os.environ[SHARED_RUNS_ENV] = directory
    config._shared_runs_dir = directory  # removed at the end of the session


def pytest_unconfigure(config) -> None:
    directory = getattr(config, "_shared_runs_dir", None)
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.environ.pop(SHARED_RUNS_ENV, None)
