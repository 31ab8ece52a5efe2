"""Atomic file writes: a reader (or the next start after a crash or a kill) finds either the
previous file or the new one, never half of one.

The data goes to a temporary file in the target's own folder (os.replace is atomic only within
one file system), is flushed to disk with fsync, and then replaces the target; the folder is
fsynced too, so the rename itself survives a power cut. Plain Python: the app's GUI imports
this without torch.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its rename is durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _mode_for(path: Path) -> int:
    """Keep the mode of the file being replaced; a new file gets rw-r--r-- (mkstemp gives rw-------)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o644


@contextlib.contextmanager
def replacing(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path` for a writer that needs a file name (safetensors,
    an image library); when the block ends without an error the file is fsynced and moved onto
    `path`. On an error the temporary file is removed and `path` is left as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=_temp_prefix(path), suffix=TEMP_SUFFIX)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_folder(path.parent)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` atomically; returns the path. Raises OSError as open() would."""
    path = Path(path)
    with replacing(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
    return path


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` atomically (newlines as given, not translated)."""
    return write_bytes(path, text.encode(encoding))


def remove_leftovers(path: str | os.PathLike) -> int:
    """Delete the temporary files that writes of `path` left behind when their process was
    killed mid-write; returns how many. Call it only where no other process writes `path`."""
    path = Path(path)
    prefix, removed = _temp_prefix(path), 0
    if not path.parent.is_dir():
        return 0
    for leftover in path.parent.iterdir():
        if not (leftover.name.startswith(prefix) and leftover.name.endswith(TEMP_SUFFIX)):
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed += 1
    return removed
