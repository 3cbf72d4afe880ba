"""Writing export files so that a failure never leaves a partial file behind.

Data goes to a hidden temporary file beside its destination (same folder, so the final rename is
atomic), is flushed to disk, gets the permissions a plain ``open()`` would give, and only then
replaces the destination.  An older file at the destination stays intact until that moment.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from quizzer.errors import ExportError

__all__ = ["write_atomically", "write_all_atomically"]


def _stage(path: Path, data: bytes) -> Path:
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"cannot write to {path.parent}: {exc.strerror or exc}") from exc
    staged = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(staged, 0o666 & ~mask)
    except OSError as exc:
        staged.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged


def write_all_atomically(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write every ``(path, data)``; if any cannot be staged, none of the destinations is touched."""
    staged: list[Path] = []
    try:
        for path, data in files:
            staged.append(_stage(path, data))
        for tmp, (path, _) in zip(staged, files, strict=True):
            os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"cannot write the output: {exc.strerror or exc}") from exc
    finally:
        for tmp in staged:
            tmp.unlink(missing_ok=True)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step."""
    write_all_atomically([(path, data)])
