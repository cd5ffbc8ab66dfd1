"""An installed distribution's name, version and ``RECORD``, found as :mod:`importlib.metadata` finds
them (the first ``.dist-info`` of that normalized name along ``sys.path``) without importing it: it
and the ``email`` parser it reads ``METADATA`` with cost every run that resolves dependencies
(every compile and lint) some 20 ms, for three header lines.

Where the layout is one this reading does not cover (an egg or ``.egg-info``, a zipped path entry,
a finder of its own on ``sys.meta_path``), :mod:`importlib.metadata` answers.
"""

from __future__ import annotations

import csv
import os
import re
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from importlib.metadata import Distribution


class Installed(NamedTuple):
    name: str  # as its metadata spells it
    version: str
    record: str  # the text of its RECORD ("" without one)
    files: Callable[[], list[str] | None]  # its files' paths as importlib.metadata's ``files``
    locate: Callable[[str], Path]  # where a path it lists is


def installed(name: str) -> Installed | None:
    """The distribution ``name`` that ``importlib.metadata.distribution`` gives, or None if it is
    not installed."""
    if any(hasattr(finder, "find_distributions") for finder in sys.meta_path
           if getattr(finder, "__name__", "") != "PathFinder"):
        return _by_importlib(name)
    wanted = _normalized(name)
    for entry in sys.path:
        if entry.lower().endswith(".egg"):  # an egg's metadata is its EGG-INFO
            return _by_importlib(name)
        try:
            children = _children(entry or ".", os.stat(entry or ".").st_mtime_ns)
        except NotADirectoryError:
            return _by_importlib(name)
        except OSError:  # a path entry that is not there
            continue
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")) and \
                    _normalized(low.rpartition(".")[0].partition("-")[0]) == wanted:
                return _read(os.path.join(entry, child)) if low.endswith(".dist-info") \
                    else _by_importlib(name)
    return None


@cache
def _children(directory: str, mtime_ns: int) -> tuple[str, ...]:
    """The names in ``directory``, listed again once it changed (as importlib.metadata does)."""
    del mtime_ns  # keys the cache only
    return tuple(os.listdir(directory))


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _read(path: str) -> Installed | None:
    try:
        with open(os.path.join(path, "METADATA"), encoding="utf-8") as file:
            headers = _headers(file)
    except FileNotFoundError:
        headers = {}
    if "Name" not in headers or "Version" not in headers:
        return _by_importlib(path=path)
    try:
        with open(os.path.join(path, "RECORD"), encoding="utf-8") as file:
            record = file.read()
    except FileNotFoundError:
        record = ""

    def files() -> list[str] | None:
        if not record:  # importlib.metadata looks for an egg's SOURCES.txt then
            from importlib.metadata import PathDistribution

            return _listed(PathDistribution(Path(path)))
        # as importlib.metadata reads RECORD, without importing it (and ``email``)
        return [PurePosixPath(row[0]).as_posix() for row in csv.reader(record.splitlines())]

    return Installed(headers["Name"], headers["Version"], record, files,
                     lambda listed: Path(path).parent / listed)


def _headers(lines: object) -> dict[str, str]:
    """The first value of each header of ``METADATA`` that fits on one line, as the ``email``
    parser reads it; a folded header is left out (neither Name nor Version is ever folded)."""
    found: dict[str, str] = {}
    folded: set[str] = set()
    key = ""
    for line in lines:  # type: ignore[attr-defined]
        line = line.rstrip("\r\n")
        if not line:
            break
        if line[0] in " \t":
            folded.add(key)
            continue
        key, colon, value = line.partition(":")
        if colon:
            found.setdefault(key, value.lstrip(" \t"))
    return {k: v for k, v in found.items() if k not in folded}


def _by_importlib(name: str = "", *, path: str = "") -> Installed | None:
    from importlib import metadata

    try:
        dist = metadata.PathDistribution(Path(path)) if path else metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    meta = dist.metadata
    if meta is None or meta["Name"] is None:  # a directory without readable metadata
        return None
    return Installed(meta["Name"], dist.version, dist.read_text("RECORD") or "",
                     lambda: _listed(dist), lambda listed: Path(str(dist.locate_file(listed))))


def _listed(dist: Distribution) -> list[str] | None:
    return None if dist.files is None else [f.as_posix() for f in dist.files]
