"""Checking an image read from a file: the protobuf runtime's own rules, as buf checks its images.

An image file is data from anywhere: an index out of range (``public_dependency``, ``oneof_index``),
a name that is not valid UTF-8, a type name that resolves to nothing, a message nested past the
runtime's limit would otherwise surface as a crash in a rule, in mypy-protobuf or in json_format.
Each file is added to a fresh ``DescriptorPool``, which refuses all of those, so one check covers
every rule the runtime has.

Images may lack their imports (``build --exclude-imports``): a missing import is taken from the
runtime's own pool when it has it (the well-known types, ``google/api``); the files that need one it
lacks are left unchecked, as they cannot be checked without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.message import DecodeError


def image_problem(payloads: Sequence[bytes], names: Iterable[str]) -> str | None:
    """Why the files (serialized ``FileDescriptorProto`` s, in the image's order, and their
    ``names``) do not make a valid set, in one line; None when they do. Only a file the pool
    refuses is parsed here."""
    pool = descriptor_pool.DescriptorPool()
    names = set(names)
    unchecked: set[str] = set()
    for payload in payloads:
        try:
            pool.AddSerializedFile(payload)
            continue
        except (TypeError, DecodeError) as exc:
            first_failure = exc
        try:
            f = descriptor_pb2.FileDescriptorProto.FromString(payload)
        except DecodeError as exc:
            return _reason(exc)
        missing = [d for d in f.dependency if not _in(pool, d)]
        if not missing:
            return f"{f.name}: {_reason(first_failure)}"
        later = [d for d in missing if d in names and d not in unchecked]
        if later:
            return f"{f.name} comes before its import {later[0]} (files must be in dependency order)"
        if not all(d not in unchecked and _add_from_runtime(pool, d) for d in missing):
            unchecked.add(f.name)  # it needs an import that is nowhere to be had
            continue
        try:
            pool.AddSerializedFile(payload)
        except (TypeError, DecodeError) as exc:
            return f"{f.name}: {_reason(exc)}"
    return None


def _in(pool: descriptor_pool.DescriptorPool, name: str) -> bool:
    try:
        pool.FindFileByName(name)
    except KeyError:
        return False
    return True


def _add_from_runtime(pool: descriptor_pool.DescriptorPool, name: str) -> bool:
    """Add ``name`` (and its own imports) from the runtime's default pool, if it holds it."""
    try:
        known = descriptor_pool.Default().FindFileByName(name)
    except KeyError:
        return False
    if not all(_in(pool, d.name) or _add_from_runtime(pool, d.name) for d in known.dependencies):
        return False
    try:
        pool.AddSerializedFile(known.serialized_pb)  # adding the same file twice is allowed
    except TypeError:
        return False  # the image defines its names in other files: it cannot be checked
    return True


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text.removeprefix("Couldn't build proto file into descriptor pool: ") or \
        type(exc).__name__
