"""``deps`` of ``buf.yaml`` and the pins of ``buf.lock`` (v1beta1, v1, v2), read as buf writes them.

A dependency is named as buf names it (``buf.build/owner/name``, optionally ``:ref``); ``buf.lock``
pins each one to a commit and a digest (``shake256:...`` in v1 locks, ``b5:...`` in v2). Reading a
lock never needs the network: it only says which version a resolver should look for.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ..errors import ProtopactError
from .yamlparse import YamlError, parsed

LOCK_NAME = "buf.lock"
_NAME = re.compile(r"^[A-Za-z0-9._-]+(:[0-9]+)?/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$")


class DepRef(NamedTuple):
    """One entry of ``deps``: a module's full name and the label or commit asked for, if any."""

    name: str
    ref: str = ""

    def __str__(self) -> str:
        return f"{self.name}:{self.ref}" if self.ref else self.name


class LockedDep(NamedTuple):
    """One pin of ``buf.lock``."""

    name: str
    commit: str  # dashless hex, as v2 locks write it; may be empty in old v2 locks
    digest: str  # "b5:<hex>" or "shake256:<hex>"


def parse_deps(value: Any, label: str) -> tuple[DepRef, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProtopactError(f"{label}: deps must be a list of module names")
    refs = []
    for text in value:
        name, _, ref = _split_ref(text.strip())
        if not _NAME.match(name):
            raise ProtopactError(f"{label}: deps entry {text!r} is not a module name such as "
                                 "buf.build/owner/name")
        refs.append(DepRef(name, ref))
    return tuple(dict.fromkeys(refs))


def _split_ref(text: str) -> tuple[str, str, str]:
    """``remote[:port]/owner/name[:ref]`` split at the ref's colon (a port's colon stays)."""
    head, sep, tail = text.rpartition(":")
    if sep and "/" not in tail:
        return head, sep, tail
    return text, "", ""


def parse_lock(text: str, label: str) -> tuple[LockedDep, ...]:
    try:
        # every scalar as text, as buf reads it: a commit of digits only stays a string
        raw = parsed(text, every_scalar_text=True) or {}
    except YamlError as exc:
        raise ProtopactError(f"{label}: invalid YAML: {getattr(exc, 'problem', None) or exc}") \
            from None
    if not isinstance(raw, dict):
        raise ProtopactError(f"{label}: expected a mapping at the top level")
    version = raw.get("version", "v1beta1")
    entries = raw.get("deps") or []
    if version not in ("v1beta1", "v1", "v2") or not isinstance(entries, list):
        raise ProtopactError(f"{label}: not a buf.lock of version v1beta1, v1 or v2")
    pins = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise ProtopactError(f"{label}: each entry of deps must be a mapping")
        if version == "v2":
            name = entry.get("name")
        else:
            parts = [entry.get(k) for k in ("remote", "owner", "repository")]
            name = "/".join(parts) if all(isinstance(p, str) for p in parts) else None
        commit, digest = entry.get("commit", ""), entry.get("digest", "")
        if not isinstance(name, str) or not isinstance(commit, str) or not isinstance(digest, str):
            raise ProtopactError(f"{label}: a deps entry lacks its module name, commit or digest")
        pins.append(LockedDep(name, commit.replace("-", "").lower(), digest))
    return tuple(pins)
