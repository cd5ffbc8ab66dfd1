"""Custom options of descriptor elements, read through an Image's own descriptor pool.

An Image's ``FileDescriptorProto`` s are parsed before their files' custom extensions are known, so a
custom option sits in the options message as an unknown field. :class:`CustomOptions` re-reads an
options message with the pool's dynamic class for it, where every extension the Image declares is
registered; an extension the Image does not declare reads as absent, never as a stray number.
"""

from __future__ import annotations

import functools
from typing import Any

from google.protobuf import descriptor_pool, message_factory
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message


class CustomOptions:
    """Reads extension values from the options messages of one Image's elements."""

    def __init__(self, pool: descriptor_pool.DescriptorPool) -> None:
        self._pool = pool
        self._classes: dict[str, type[Message]] = {}

    def enum_names(self, options: Message, extension: str) -> tuple[str, ...]:
        """The value names of the enum option ``extension`` (full name) set on ``options``; a
        singular option gives one name, an unset or undeclared one none."""
        found = self._extension(options, extension)
        if found is None:
            return ()
        ext, extensions = found
        if ext.enum_type is None:
            return ()
        if ext.is_repeated:
            numbers = tuple(extensions[ext])
        elif ext in extensions:
            numbers = (extensions[ext],)
        else:
            return ()
        values = ext.enum_type.values_by_number
        return tuple(values[n].name if n in values else str(n) for n in numbers)

    def message(self, options: Message, extension: str) -> Message | None:
        """The message option ``extension`` (full name) set on ``options``, or None when it is
        unset or the Image does not declare it."""
        found = self._extension(options, extension)
        if found is None or found[0].message_type is None or found[0] not in found[1]:
            return None
        ext, extensions = found
        return extensions[ext]  # type: ignore[no-any-return]

    def _extension(self, options: Message, extension: str) -> tuple[FieldDescriptor, Any] | None:
        """The extension ``extension`` of ``options``' type and the options' extension values,
        or None when nothing is set or the Image declares no such extension of that type."""
        if not options.ByteSize():
            return None
        try:
            ext = self._pool.FindExtensionByName(extension)
        except KeyError:
            return None
        extended = ext.containing_type
        if extended is None or extended.full_name != options.DESCRIPTOR.full_name:
            return None
        # the stubs only know generated extensions
        extensions: Any = self._reparsed(options).Extensions
        return ext, extensions

    def _reparsed(self, options: Message) -> Message:
        name = options.DESCRIPTOR.full_name
        cls = self._classes.get(name)
        if cls is None:
            cls = message_factory.GetMessageClass(self._pool.FindMessageTypeByName(name))
            self._classes[name] = cls
        return cls.FromString(options.SerializeToString())


FIELD_BEHAVIOR = "google.api.field_behavior"


@functools.lru_cache(maxsize=8)
def options_of(pool: descriptor_pool.DescriptorPool) -> CustomOptions:
    """One reader per pool, so the options classes it builds are built once."""
    return CustomOptions(pool)


def field_behaviors(field: FieldDescriptor) -> frozenset[str]:
    """The ``google.api.field_behavior`` names set on ``field`` (``REQUIRED``, ``OUTPUT_ONLY`` …)."""
    owner = field.containing_type  # an extension's is the message it extends
    if owner is None:
        return frozenset()
    return frozenset(options_of(owner.file.pool).enum_names(field.GetOptions(), FIELD_BEHAVIOR))
