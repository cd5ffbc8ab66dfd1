"""Versioning advice for breaking findings, following the contract convention: an incompatible
change removes the field (reserving its number and name) and re-adds it under a new number.

Advice is protopact's own text, carried in :attr:`Finding.advice`; buf's output formats never show
it, so their bytes stay buf's.
"""

from __future__ import annotations

from google.protobuf.descriptor_pb2 import DescriptorProto

from ..fix import reserved_statements
from .adapters import FieldRef, syntax
from .features import KIND_NAMES

UPDATE_WRAPPERS = frozenset({"protopact.v1.UpdateBoolean", "protopact.v1.UpdateClearableString",
                             "protopact.v1.UpdateZeroableInt"})


def deleted_field(ref: FieldRef, message: DescriptorProto) -> str:
    """Advice for a deleted field: the ``reserved`` lines its message still lacks."""
    number = not any(r.start <= ref.field.number < r.end for r in message.reserved_range)
    name = ref.field.name not in message.reserved_name
    lines = reserved_statements([ref.field.number] if number else [],
                                [ref.field.name] if name else [],
                                editions=syntax(ref.file) == "editions")
    if not lines:
        return ""
    return (f'Add {" and ".join(f"`{line}`" for line in lines)} to message "{ref.message_name}" so '
            f'that the number and name of deleted field "{ref.field.name}" are never reused.')


def changed_type(prev: FieldRef, cur: FieldRef) -> str:
    """Advice for a field whose type changed: retire the number and add a new field; replacing an
    Update wrapper with a proto3 ``optional`` scalar is called out as the wire break it is."""
    if prev.is_extension:
        return ""
    number = prev.field.number
    retire = (f"reserve its number (`reserved {number};`) and add the field with its new type "
              "under a new number")
    wrapper = prev.field.type_name.lstrip(".")
    if wrapper in UPDATE_WRAPPERS and cur.field.proto3_optional:
        scalar = KIND_NAMES[cur.field.type]
        return (f'Replacing {wrapper} with a proto3 optional {scalar} breaks the wire format: '
                f'field {number} changes from an embedded message ({{updated, value}}) to a bare '
                f'{scalar}, so peers built on either version misread it. Keep the wrapper, or '
                f'{retire}.')
    return f'Field "{prev.field.name}" cannot change type in place: {retire}.'
