"""The next semantic version of a contract: major on breaking changes, minor on additions, patch
otherwise; during ``0.x`` a breaking change bumps the minor version.

A removed file, service, RPC, message, enum, field or enum value is a breaking change whatever rule
categories ``buf.yaml`` selects: ``WIRE`` rightly lets a deleted RPC pass the wire check, but code
generated from the baseline still calls it, so a release must say so. Additions are elements of the
input that the baseline lacks, by the keys of :mod:`.elements`.

Versions follow SemVer 2.0: ``1.4.2``, ``v1.4.2``, ``1.4.2-rc.1``, ``1.4.2+build.5``. A pre-release
moves towards its own release as npm's ``semver.inc`` does: ``1.4.2-rc.1`` is followed by ``1.4.2``
for a patch, ``2.0.0-rc.1`` by ``2.0.0`` even for a major change; build metadata is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..compile.image import Image
from ..errors import ProtopactError
from .elements import Element, elements

_NUMBER = r"(0|[1-9][0-9]*)"
_IDENTIFIER = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_VERSION = re.compile(rf"v?{_NUMBER}\.{_NUMBER}\.{_NUMBER}"
                      rf"(-{_IDENTIFIER}(?:\.{_IDENTIFIER})*)?(\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?")


def additions(previous: Image, current: Image) -> list[Element]:
    """Elements of the input's targets that the baseline's targets lack, in declaration order;
    the elements of an added file count as additions too."""
    return _missing(previous.target_files(), current.target_files())


def removals(previous: Image, current: Image) -> list[Element]:
    """Elements of the baseline's targets that the input's targets lack, in declaration order;
    an element moved to another file is not removed."""
    return _missing(current.target_files(), previous.target_files())


def _missing(having: Iterable, wanting: Iterable) -> list[Element]:
    have = {e.identity for e in elements(having)}
    return [e for e in elements(wanting) if e.identity not in have]


def added_files(previous: Image, current: Image) -> list[str]:
    return sorted(current.targets - previous.targets)


def removed_files(previous: Image, current: Image) -> list[str]:
    return sorted(previous.targets - current.targets)


def has_additions(previous: Image, current: Image) -> bool:
    return bool(added_files(previous, current) or additions(previous, current))


def has_removals(previous: Image, current: Image) -> bool:
    return bool(removed_files(previous, current) or removals(previous, current))


def parse_version(version: str) -> re.Match[str]:
    """The parts of a SemVer version; an error naming the option it came from otherwise."""
    match = _VERSION.fullmatch(version.strip())
    if match is None:
        raise ProtopactError(f"--bump-from: {version!r} is not a version of the form X.Y.Z "
                             "(optionally -PRERELEASE and +BUILD)")
    return match


def next_version(version: str, *, breaking: bool, additions: bool) -> str:
    match = parse_version(version)
    major, minor, patch = (int(g) for g in match.groups()[:3])
    pre = match.group(4) is not None
    if breaking and major > 0:
        return f"{major}.0.0" if pre and minor == patch == 0 else f"{major + 1}.0.0"
    if breaking or additions:
        return f"{major}.{minor}.0" if pre and patch == 0 else f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch}" if pre else f"{major}.{minor}.{patch + 1}"


def bump(version: str, previous: Image, current: Image, *, findings: bool) -> str:
    """The version after ``version`` for the input against its baseline, ``findings`` telling
    whether the breaking rules found anything."""
    return next_version(version, additions=has_additions(previous, current),
                        breaking=findings or has_removals(previous, current))
