"""Checking an image read from a file: the protobuf runtime's own rules, as buf checks its images.

An image file is data from anywhere: an index out of range (``public_dependency``, ``oneof_index``),
a name that is not valid UTF-8, a type name that resolves to nothing, a message nested past the
runtime's limit would otherwise surface as a crash in a rule, in mypy-protobuf or in json_format.
Each file is added to a fresh ``DescriptorPool``, which refuses all of those, so one check covers
every rule the runtime has. The pool leaves two things unchecked: descriptor.proto is proto2, whose
strings (comments, ``json_name``, defaults) the parser takes as they come and the runtime hands out
as ``bytes`` when they are not UTF-8, and whose required fields (``UninterpretedOption``'s name
parts) it parses without; every consumer expects text, and serializing again raises. So each file
is also parsed as an editions copy of ``FileDescriptorProto``, whose parser checks every string,
and that copy is checked for its required fields, as buf refuses such an image. That copy lives
in a pool of its own beside the files that declare custom options (``extend
google.protobuf.*Options``), so the parse reads option values too and refuses a proto3 string among
them that is not UTF-8, as buf refuses such an image ("string field contains invalid UTF-8").

Images may lack their imports (``build --exclude-imports``): a missing import is taken from the
runtime's own pool when it has it (the well-known types, ``google/api``); the files that need one it
lacks are checked for their own indexes only (oneofs, public and weak imports), as the rest cannot
be checked without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence, Set as AbstractSet
from functools import cache

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import FieldDescriptor, FileDescriptor
from google.protobuf.message import DecodeError, Message


def image_problem(payloads: Sequence[bytes], names: Iterable[str], *,
                  valid_elsewhere: Sequence[bytes] = ()) -> str | None:
    """Why the files (serialized ``FileDescriptorProto`` s, in the image's order, and their
    ``names``) do not make a valid set, in one line; None when they do. Only a file the pool
    refuses is parsed here.

    ``valid_elsewhere`` holds the files of another image that passed: where both images declare
    the same custom options, a file found there byte for byte is known to pass the text check and
    is not parsed for it again (the pool still takes it: the files importing it need it)."""
    pool = descriptor_pool.DescriptorPool()
    text = _TextCheck(_text_checked(payloads, valid_elsewhere))
    names = set(names)
    unchecked: set[str] = set()
    for payload in payloads:
        try:
            text.check(pool.AddSerializedFile(payload), payload)
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
            # it needs an import that is nowhere to be had: only its own indexes can be checked
            if (problem := _index_problem(f)) is not None:
                return f"{f.name}: {problem}"
            unchecked.add(f.name)
            continue
        try:
            text.check(pool.AddSerializedFile(payload), payload)
        except (TypeError, DecodeError) as exc:
            return f"{f.name}: {_reason(exc)}"
    return None


def _index_problem(f: descriptor_pb2.FileDescriptorProto) -> str | None:
    """An index of ``f`` pointing at nothing within the file itself, as the pool words it."""
    for name in ("public_dependency", "weak_dependency"):
        for index in getattr(f, name):
            if not 0 <= index < len(f.dependency):
                return f"Invalid {name} index: {index}"
    for message in _all_messages(f.message_type):
        for field in message.field:
            if field.HasField("oneof_index") and not 0 <= field.oneof_index < len(
                    message.oneof_decl):
                return (f"FieldDescriptorProto.oneof_index {field.oneof_index} is out of range "
                        f'for type "{message.name}"')
    return None


# The extendee a custom option declaration names; a cheap test on a file's bytes before its
# descriptor is looked at.
_DECLARES_OPTIONS = re.compile(rb"\.google\.protobuf\.[A-Za-z]*Options")


def _text_checked(payloads: Sequence[bytes], elsewhere: Sequence[bytes]) -> AbstractSet[bytes]:
    """The files of ``elsewhere`` whose text check holds for ``payloads`` too: all of them when
    both declare the same custom options (the option values a file holds are read as those
    declare them), else none."""
    if not elsewhere:
        return frozenset()
    declaring = {p for p in payloads if _DECLARES_OPTIONS.search(p)}
    if declaring != {p for p in elsewhere if _DECLARES_OPTIONS.search(p)}:
        return frozenset()
    return frozenset(elsewhere)


class _TextCheck:
    """Parses files with the editions copy of ``FileDescriptorProto`` in a pool that also holds
    the custom options declared so far (files come in dependency order); ``passed`` are files
    known to pass."""

    def __init__(self, passed: AbstractSet[bytes]) -> None:
        self._passed = passed
        self._pool = descriptor_pool.DescriptorPool()
        self._pool.AddSerializedFile(_text_checked_descriptor())
        self._parser = message_factory.GetMessageClass(
            self._pool.FindMessageTypeByName("google.protobuf.FileDescriptorProto"))
        self._declared = {_DESCRIPTOR}

    def check(self, added: FileDescriptor, payload: bytes) -> None:
        """Raise ``DecodeError`` naming the first string of the file that is not UTF-8, or the
        first required field it lacks (the runtime parses without one but cannot serialize it
        again)."""
        if _DECLARES_OPTIONS.search(payload):
            self._declare(added)  # a file may use the options it declares
        if payload in self._passed:
            return
        try:
            checked = self._parser.FromString(payload)
        except DecodeError:
            f = descriptor_pb2.FileDescriptorProto.FromString(payload)
            where = next(_undecoded(f, "", self._pool), "a string")
            raise DecodeError(f"{where} is not valid UTF-8") from None
        if not checked.IsInitialized():
            raise DecodeError(f"missing required field {checked.FindInitializationErrors()[0]}")

    def _declare(self, file: FileDescriptor) -> None:
        """Add ``file`` and its imports, so that the options it declares are parsed from now on."""
        if file.name in self._declared:
            return
        self._declared.add(file.name)
        for dependency in file.dependencies:
            self._declare(dependency)
        try:
            self._pool.AddSerializedFile(file.serialized_pb)
        except TypeError:
            pass  # the image's own descriptor.proto differs from the runtime's: left unparsed


def _undecoded(message: Message, prefix: str, pool: descriptor_pool.DescriptorPool
               ) -> Iterator[str]:
    """Paths (``message_type[0].field[1].json_name``, ``message_type[0].options``) of the strings
    the runtime could only hand out as bytes, and of the options whose values ``pool`` refuses."""
    for field, value in message.ListFields():
        values = value if field.is_repeated else [value]
        for index, item in enumerate(values):
            at = f"{prefix}{field.name}" + (f"[{index}]" if field.is_repeated else "")
            if field.type == FieldDescriptor.TYPE_STRING and isinstance(item, bytes):
                yield at
            elif field.type == FieldDescriptor.TYPE_MESSAGE:
                yield from _undecoded(item, at + ".", pool)
                if field.message_type.name.endswith("Options") and _refused(item, pool):
                    yield f"{at} (a custom option's value)"


def _refused(options: Message, pool: descriptor_pool.DescriptorPool) -> bool:
    parser = message_factory.GetMessageClass(
        pool.FindMessageTypeByName(options.DESCRIPTOR.full_name))
    try:
        parser.FromString(options.SerializeToString())
    except DecodeError:
        return True
    return False


_DESCRIPTOR = "google/protobuf/descriptor.proto"


@cache
def _text_checked_descriptor() -> bytes:
    """descriptor.proto as an edition-2023 file declares it: the same names and fields, and a
    parser that refuses a string that is not UTF-8. Built when first needed (a few milliseconds)."""
    copy = descriptor_pb2.FileDescriptorProto()
    descriptor_pb2.DESCRIPTOR.CopyToProto(copy)
    copy.syntax, copy.edition = "editions", descriptor_pb2.EDITION_2023
    copy.ClearField("options")
    copy.options.features.enum_type = descriptor_pb2.FeatureSet.CLOSED  # proto2's enums
    for message in _all_messages(copy.message_type):
        message.ClearField("options")
        for r in message.extension_range:
            r.ClearField("options")
        for field in message.field:
            # proto2 options (packed, defaults, required) are not editions'; parsing needs none
            field.ClearField("options")
            field.ClearField("default_value")
            if field.label == field.LABEL_REQUIRED:  # kept, as editions spell it
                field.label = field.LABEL_OPTIONAL
                field.options.features.field_presence = descriptor_pb2.FeatureSet.LEGACY_REQUIRED
        for enum in message.enum_type:
            enum.ClearField("options")
            for value in enum.value:
                value.ClearField("options")
    for enum in copy.enum_type:
        enum.ClearField("options")
    return copy.SerializeToString()


def _all_messages(messages: Iterable[descriptor_pb2.DescriptorProto]
                  ) -> Iterator[descriptor_pb2.DescriptorProto]:
    for m in messages:
        yield m
        yield from _all_messages(m.nested_type)


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
