"""The next semantic version of a contract: major on breaking changes, minor on additions, patch
otherwise; during ``0.x`` a breaking change bumps the minor version.

Additions are elements of the input that the baseline lacks: files, messages, fields, enums, enum
values, services and RPCs, keyed by full name (fields and values also by number).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..compile.image import Image
from ..errors import ProtopactError
from ..schema import walk

_VERSION = re.compile(r"v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


def element_keys(image: Image) -> Iterator[str]:
    """A key per element of the image's targets."""
    for f in image.target_files():
        yield f"file {f.name}"
        for m in walk.messages(f):
            yield f"message {m.full_name}"
            for field in walk.fields(m):
                yield f"field {m.full_name}.{field.field.name}={field.field.number}"
        for e in walk.enums(f):
            yield f"enum {e.full_name}"
            for v in walk.enum_values(e):
                yield f"value {e.full_name}.{v.value.name}={v.value.number}"
        for s in walk.services(f):
            yield f"service {s.full_name}"
            for method in walk.methods(s):
                yield f"rpc {method.full_name}"


def has_additions(previous: Image, current: Image) -> bool:
    return bool(set(element_keys(current)) - set(element_keys(previous)))


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
