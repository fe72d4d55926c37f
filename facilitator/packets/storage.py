"""Uploaded and generated files, kept outside static/ under generated names.

The folder is ``current_app.config["STORAGE_DIR"]``; several app hosts can share
it (a network mount). Every file is written to a temporary name in the same
folder first and renamed into place, so no reader ever sees half a file and a
failure leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CHUNK = 1 << 20


class TooLarge(ValueError):
    """The upload passed the per-file limit."""


def root() -> Path:
    path = Path(current_app.config["STORAGE_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_key(prefix: str = "documents", suffix: str = "") -> str:
    """A fresh random storage key like ``documents/3f/3fa2…``; never a user's file name."""
    token = secrets.token_hex(16)
    return f"{prefix}/{token[:2]}/{token}{suffix}"


def path_for(key: str) -> Path:
    """The file behind ``key``; keys are generated here, but check anyway."""
    base = root().resolve()
    path = (base / key).resolve()
    if base not in path.parents:
        raise ValueError("storage key outside the storage folder")
    return path


@contextlib.contextmanager
def atomic_path(key: str) -> Iterator[Path]:
    """Yield a temporary path; on success it becomes ``key``, on error it is removed."""
    final = path_for(key)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.{secrets.token_hex(4)}.part")
    try:
        yield tmp
        os.replace(tmp, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def receive(stream: BinaryIO, limit: int, prefix: str = "documents") -> tuple[str, Path, int]:
    """Copy an upload to a temporary file of the storage folder, counting bytes.

    Returns (key, temporary path, size). The caller checks the content and then
    calls :func:`commit` or :func:`discard`. More than ``limit`` bytes raises
    TooLarge with nothing left on disk.
    """
    key = new_key(prefix)
    final = path_for(key)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.part")
    size = 0
    try:
        with open(tmp, "xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(size)
                out.write(chunk)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return key, tmp, size


def commit(key: str, tmp: Path) -> None:
    os.replace(tmp, path_for(key))


def discard(tmp: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()


def delete(key: str | None) -> None:
    """Remove a stored file if it is there."""
    if key:
        with contextlib.suppress(FileNotFoundError):
            path_for(key).unlink()


def delete_tree(prefix: str) -> None:
    shutil.rmtree(path_for(prefix), ignore_errors=True)
