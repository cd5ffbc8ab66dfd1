"""The next semantic version of a contract: major on breaking changes, minor on additions, patch
otherwise; during ``0.x`` a breaking change bumps the minor version.

Additions are elements of the input that the baseline lacks: files, and the elements of
:mod:`.elements` (messages, fields, enums, enum values, services and RPCs) by their keys.
"""

from __future__ import annotations

import re

from ..compile.image import Image
from ..errors import ProtopactError
from .elements import Element, elements

_VERSION = re.compile(r"v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


def additions(previous: Image, current: Image) -> list[Element]:
    """Elements of the input's targets that the baseline's targets lack, in declaration order;
    the elements of an added file count as additions too."""
    before = {e.identity for e in elements(previous.target_files())}
    return [e for e in elements(current.target_files()) if e.identity not in before]


def added_files(previous: Image, current: Image) -> list[str]:
    return sorted(current.targets - previous.targets)


def has_additions(previous: Image, current: Image) -> bool:
    return bool(added_files(previous, current) or additions(previous, current))


def next_version(version: str, *, breaking: bool, additions: bool) -> str:
    match = _VERSION.fullmatch(version.strip())
    if match is None:
        raise ProtopactError(f"--bump-from: {version!r} is not a version of the form X.Y.Z")
    major, minor, patch = (int(g) for g in match.groups())
    if breaking and major > 0:
        return f"{major + 1}.0.0"
    if breaking or additions:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
