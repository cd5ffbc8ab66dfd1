"""Package versions as buf's ``protoversion`` parses them (``foo.v1``, ``foo.v1beta1``, ``foo.v1test``).

There is no regular expression in buf: the last package component is split on ``test``, ``alpha``,
``beta`` and ``p``, and each number is read with Go's ``strconv.ParseInt(s, 10, 32)``.
"""

from __future__ import annotations

import re
from enum import Enum

_GO_INT = re.compile(r"[+-]?[0-9]+\Z")


class Stability(Enum):
    STABLE = "stable"
    UNSTABLE = "unstable"  # alpha, beta or test


def _number(text: str, minimum: int) -> bool:
    if not _GO_INT.match(text):
        return False
    value = int(text)
    return -(2**31) <= value < 2**31 and value >= minimum


def _unstable_part(left: str, right: str) -> bool:
    """``v<left><level><right>``: right is an optional minor, left a major with an optional ``p`` patch."""
    if right and not _number(right, 1):
        return False
    if "p" in left:
        major, patch = left.split("p", 1)
        return _number(major, 1) and _number(patch, 1)
    return _number(left, 1)


def package_stability(package: str) -> Stability | None:
    """The stability of the package's version, None when it has no well-formed version."""
    parts = package.split(".")
    if len(parts) < 2:
        return None
    last = parts[-1]
    if len(last) < 2 or last[0] != "v":
        return None
    version = last[1:]
    if "test" in version:
        return Stability.UNSTABLE if _number(version.split("test", 1)[0], 1) else None
    alpha, beta = "alpha" in version, "beta" in version
    if not alpha and not beta:
        return Stability.STABLE if _number(version, 1) else None
    if alpha and beta:
        return None
    left, right = version.split("alpha" if alpha else "beta", 1)
    return Stability.UNSTABLE if _unstable_part(left, right) else None
