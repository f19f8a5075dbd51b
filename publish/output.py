"""Writing outputs whole or not at all: a reader never finds half a PDF or half a site."""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from fileio import OutputError, atomic_write_bytes, check_output_path

__all__ = ["SITE_MARKER", "OutputError", "build_dir_atomic", "check_file_target", "write_file_atomic"]

# A file in a directory the site build owns; a directory holding anything else is never replaced.
SITE_MARKER = ".sz-plan-map-site"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_file_target(path: Path) -> None:
    """Fail early (before minutes of rendering) when ``path`` plainly cannot be written."""
    path = Path(path)
    try:
        check_output_path(path)
    except OutputError as exc:
        raise OutputError(f"cannot write: {exc}") from None
    if not os.access(path.parent, os.W_OK):
        raise OutputError(f"{path}: cannot write: no permission to write in {path.parent}")


def write_file_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` whole or not at all (``fileio.atomic_write_bytes``), after the early checks."""
    check_file_target(path)
    try:
        atomic_write_bytes(Path(path), data)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {_reason(exc)}") from None


def build_dir_atomic(target: Path, build: Callable[[Path], None]) -> None:
    """Run ``build`` into a fresh temporary directory beside ``target``, then swap it into place.

    ``target`` may be missing, empty, or a directory this function wrote before (it carries
    SITE_MARKER); anything else is refused, so a typo cannot wipe someone's folder.
    """
    target = Path(target)
    parent = target.parent
    if target.exists():
        if not target.is_dir():
            raise OutputError(f"{target}: exists and is not a directory")
        if any(target.iterdir()) and not (target / SITE_MARKER).exists():
            raise OutputError(f"{target}: exists and holds other files; choose a new or empty directory")
    if not parent.is_dir():
        raise OutputError(f"{target}: cannot write: the directory {parent} does not exist")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=parent))
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {_reason(exc)}") from None
    old: Path | None = None
    try:
        build(tmp)
        (tmp / SITE_MARKER).write_text("written by python -m publish site\n", encoding="utf-8")
        os.chmod(tmp, 0o755)
        if target.exists():
            old = parent / f".{target.name}.old-{os.getpid()}"
            os.replace(target, old)
        os.replace(tmp, target)
    except OSError as exc:
        if old is not None and not target.exists():
            os.replace(old, target)
            old = None
        raise OutputError(f"{target}: cannot write: {_reason(exc)}") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
