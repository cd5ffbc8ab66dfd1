"""Writing bytes to files in pieces.

On a 2-CPU virtual machine running Linux 6.18, writing 57 MB to ext4 in one call took 0.5-0.7 s of
kernel time and the same bytes in 256 KiB pieces 0.02-0.04 s, probably because Linux (6.16 and
later) caches one call's bytes in folios as large as the call, up to 2 MiB, and a machine that hands
free memory back to its host (virtio-balloon) must fault blocks that large back in. Elsewhere the
pieces cost a few hundred system calls more, nothing measurable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Iterable

_PIECE = 1 << 18


def write_pieces(out: BinaryIO, data: bytes) -> None:
    """Write ``data`` to the open (unbuffered or buffered) file ``out``."""
    if len(data) <= _PIECE:
        out.write(data)
        return
    view = memoryview(data)
    for start in range(0, len(view), _PIECE):  # noqa: FURB122 - one write call per piece
        out.write(view[start:start + _PIECE])


def write_fd(fd: int, data: bytes) -> None:
    """Write ``data`` to the file descriptor ``fd``, in pieces."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view[:_PIECE]):]


def write_gathered(out: BinaryIO, pieces: Iterable[bytes]) -> None:
    """Write ``pieces`` one after another, gathered into writes of about one piece's size: a cache
    image's 15,000 pieces (60 MB) in a third of the CPU time of joining them first, without the
    60 MB copy."""
    gathered: list[bytes] = []
    size = 0
    for piece in pieces:
        gathered.append(piece)
        size += len(piece)
        if size >= _PIECE:
            write_pieces(out, b"".join(gathered))
            gathered, size = [], 0
    out.write(b"".join(gathered))


def write_bytes(path: Path | str, data: bytes) -> None:
    """``Path.write_bytes``, in pieces."""
    with open(path, "wb") as out:
        write_pieces(out, data)
