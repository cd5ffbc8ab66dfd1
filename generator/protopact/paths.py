"""Where protopact's bundled data lives: its own ``proto/`` and ``templates/``.

An installed wheel carries them under ``protopact/_data``; a source checkout has them at the repository
root. Both are read-only to protopact.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parents[1] / name


def bundled_proto_root() -> Path:
    return data_dir("proto")


def templates_root() -> Path:
    return data_dir("templates")
