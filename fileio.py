"""Reading the project's data files and writing outputs, safely.

Reading: an unreadable file (missing, not UTF-8, empty, truncated or malformed JSON/YAML) raises
:class:`DataFileError` with a one-line message naming the file, relative to the project, so that the
command line and the app can report it without a traceback or a server path.

Writing: :func:`atomic_write` writes to a uniquely named temporary file in the target's directory and
replaces the target only when everything was written, so an interrupted or failed write (exception,
Ctrl-C, SIGTERM) leaves the previous file untouched and no temporary file behind. Concurrent writers to
the same path each use their own temporary file; the last complete one wins.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import yaml

import settings


class DataError(ValueError):
    """The project's data cannot be used.

    Every subclass's message names the file, item and field relative to the project and never a server
    path, so the app may show it to visitors as plain text.
    """


class DataFileError(DataError):
    """A data file cannot be read or parsed; the message names the file and what is wrong."""


class OutputError(ValueError):
    """An output path cannot be written (a directory, a missing parent); nothing was written."""


def shown_path(path: Path) -> str:
    """The path as shown in messages: relative to the project when inside it, else the file name only."""
    try:
        return str(Path(path).resolve().relative_to(settings.ROOT))
    except (ValueError, OSError):
        return Path(path).name


def read_text(path: Path) -> str:
    """A data file's text; an unreadable, empty or non-UTF-8 file raises DataFileError naming it."""
    name = shown_path(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise DataFileError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise DataFileError(f"{name}: is a directory, not a file") from None
    except OSError as exc:
        raise DataFileError(f"{name}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    if not raw.strip():
        raise DataFileError(f"{name}: file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileError(
            f"{name}: not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); save it as UTF-8") from None
    return text.removeprefix("\ufeff")


def read_yaml(path: Path) -> Any:
    """A YAML data file's content; malformed, empty or comment-only files raise DataFileError naming it."""
    name = shown_path(path)
    text = read_text(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise DataFileError(f"{name}: not valid YAML ({where}{problem})") from None
    if data is None:
        raise DataFileError(f"{name}: no data (the file is empty or only comments)")
    return data


def _reject_constant(name: str) -> Callable[[str], Any]:
    def reject(constant: str) -> Any:
        raise DataFileError(f"{name}: {constant} is not a number JSON allows")
    return reject


def read_json(path: Path) -> Any:
    """A JSON data file's content; truncated or malformed JSON, NaN and Infinity raise DataFileError."""
    name = shown_path(path)
    text = read_text(path)
    try:
        return json.loads(text, parse_constant=_reject_constant(name))
    except json.JSONDecodeError as exc:
        raise DataFileError(
            f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}; truncated?)") from None


def check_output_path(path: Path) -> None:
    """Refuse an output path that is a directory or lies in a missing directory, before any work is done."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a directory; give a file name to write")
    if not path.parent.is_dir():
        raise OutputError(f"{path}: directory {path.parent} does not exist")


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While writing, SIGTERM unwinds like Ctrl-C so the temporary file is removed (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def atomic_write(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Call ``write`` on a fresh temporary file beside ``path``, then replace ``path`` with it.

    On any failure, including KeyboardInterrupt and SIGTERM, the temporary file is removed and
    ``path`` keeps its previous content.
    """
    path = Path(path)
    check_output_path(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    with _sigterm_raises():
        tmp = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, kept on disk until replaced
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False)
        try:
            with tmp:
                write(tmp)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.chmod(tmp.name, mode)
            os.replace(tmp.name, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp.name)
            raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    def write(f: IO[bytes]) -> None:
        f.write(data)

    atomic_write(path, write)


def dumps_json(obj: object, **kwargs: Any) -> str:
    """JSON text that never contains NaN or Infinity (they are not JSON): refuse instead of writing them."""
    try:
        return json.dumps(obj, ensure_ascii=False, allow_nan=False, **kwargs)
    except ValueError as exc:
        raise OutputError(f"cannot write JSON: {exc}") from None
