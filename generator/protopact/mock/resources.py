"""Resource methods (create, get, update, delete) recognised by their shape, for the stateful mock.

Nothing here knows protopact's own types. A method is a resource method when its name is a standard
verb (``Create``, ``Get``, ``Update``, ``Delete``, alone or followed by a noun, as AIP-131..135 and
per-resource services such as ``DeviceService.Get`` name them) and its messages fit that verb:

- the **resource** is a message with an identifying field: the ``name_field`` of its
  ``google.api.resource`` option (``name`` by default), else ``id``, ``uuid``, ``<type>_id`` or
  ``name``. A method's response is the resource or wraps it in one field (``{webhook: …}``);
- **create** takes the resource in a request field of its type (AIP: ``{parent, book, book_id}``),
  as the request itself, or field by field (``{display_name, phone_number}``);
- **get** and **delete** carry the key: a request field named as the resource's identifier,
  ``<type>_id``/``<type>_name``, or ``name``/``id``;
- **update** carries the resource (its key inside, plus an optional ``google.protobuf.FieldMask``)
  or the key beside the changed fields, each plain or an Update wrapper (``updated`` + ``value``).

A delete's response need not hold the resource (``google.protobuf.Empty``, an empty ``Response``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor

from ..checks.lint.case import lower_snake
from ..schema.options import options_of

FIELD_MASK = "google.protobuf.FieldMask"
_VERB = re.compile(r"(Create|Get|Update|Delete)(?=[A-Z0-9_]|\Z)")
RESOURCE_OPTION = "google.api.resource"
_NOT_RESOURCES = ("google.longrunning.", "google.protobuf.")


@dataclass(frozen=True)
class Resource:
    """A message the mock stores, and the field that identifies it."""

    message: Descriptor
    key: FieldDescriptor
    patterns: tuple[str, ...] = ()  # google.api.resource patterns, e.g. "shelves/{shelf}/books/{book}"

    @property
    def full_name(self) -> str:
        return self.message.full_name


@dataclass(frozen=True)
class ResourceMethod:
    """A create, get, update or delete of ``resource``."""

    method: MethodDescriptor
    verb: str
    resource: Resource
    returned: str | None  # the response field holding the resource, "" for the response itself
    body: str | None = None  # the request field holding the resource, "" for the request itself
    key: str | None = None  # the request field holding the key (get, delete, update by key)
    mask: str | None = None  # the request field holding a FieldMask (update)
    wrapped: frozenset[str] = frozenset()  # request fields that are Update wrappers (update)


def resource(message: Descriptor) -> Resource | None:
    """``message`` as a resource, when it has an identifying field (a long-running operation or a
    well-known type is none)."""
    if message.full_name.startswith(_NOT_RESOURCES):
        return None
    option = options_of(message.file.pool).message(message.GetOptions(), RESOURCE_OPTION)
    fields = message.fields_by_name
    if option is not None:
        key = fields.get(getattr(option, "name_field", "") or "name")
        if key is not None and _scalar(key):
            return Resource(message, key, tuple(getattr(option, "pattern", ())))
    for name in ("id", "uuid", f"{lower_snake(message.name)}_id", "name"):
        key = fields.get(name)
        if key is not None and _scalar(key) and key.type != key.TYPE_BYTES:
            return Resource(message, key)
    return None


def resource_method(method: MethodDescriptor,
                    update_wrappers: frozenset[str] = frozenset()) -> ResourceMethod | None:
    """``method`` as a resource method, or None; see the module doc. ``update_wrappers``: the
    full names of the API's Update wrapper types."""
    verb = _VERB.match(method.name)
    if verb is None or method.client_streaming or method.server_streaming:
        return None
    request = method.input_type
    if verb[1] in ("Create", "Update"):
        found = _holding(method.output_type)
        if found is None:
            return None
        target, returned = found
        body = "" if request is target.message else _field_of(request, target.message)
        if verb[1] == "Create":
            return ResourceMethod(method, "create", target, returned, body=body)
        mask = next((f.name for f in request.fields if _singular(f) and f.message_type is not None
                     and f.message_type.full_name == FIELD_MASK), None)
        key = None if body is not None else _key_field(request, target)
        if body is None and key is None:
            return None
        wrapped = frozenset(f.name for f in request.fields if _singular(f) and f.message_type
                            is not None and f.message_type.full_name in update_wrappers)
        return ResourceMethod(method, "update", target, returned, body=body, key=key, mask=mask,
                              wrapped=wrapped)
    found = _holding(method.output_type)
    if verb[1] == "Get":
        if found is None:
            return None
        target, returned = found
    else:
        target, returned = _deleted(method, found)
        if target is None:
            return None
    key = _key_field(request, target)
    return None if key is None else ResourceMethod(method, verb[1].lower(), target, returned, key=key)


def _deleted(method: MethodDescriptor,
             found: tuple[Resource, str] | None) -> tuple[Resource | None, str | None]:
    """What a delete removes: the resource its response holds, or the one its name says
    (``DeleteBook`` → a ``Book`` of the same package; ``DeviceService.Delete`` → ``Device``)."""
    if found is not None:
        return found
    noun = method.name[len("Delete"):] or method.containing_service.name.removesuffix("Service")
    package = method.containing_service.file.package
    pool = method.containing_service.file.pool
    try:
        message = pool.FindMessageTypeByName(f"{package}.{noun}" if package else noun)
    except KeyError:
        return None, None
    return resource(message), None


def _holding(message: Descriptor) -> tuple[Resource, str] | None:
    """The resource ``message`` is (field ``""``) or wraps in its one message field."""
    found = resource(message)
    if found is not None:
        return found, ""
    inner = [f for f in message.fields if f.message_type is not None]
    if len(inner) == 1 and _singular(inner[0]) and inner[0].message_type is not None:
        wrapped = resource(inner[0].message_type)
        if wrapped is not None:
            return wrapped, inner[0].name
    return None


def _field_of(message: Descriptor, target: Descriptor) -> str | None:
    return next((f.name for f in message.fields if _singular(f) and f.message_type is target), None)


def _key_field(request: Descriptor, target: Resource) -> str | None:
    """The request field holding ``target``'s key: its own name, ``<type>_id``/``_name``, ``name``
    or ``id``, of a scalar type."""
    snake = lower_snake(target.message.name)
    names = (target.key.name, f"{snake}_{target.key.name}", f"{snake}_id", f"{snake}_name", "name",
             "id")
    fields = request.fields_by_name
    return next((n for n in names if n in fields and _scalar(fields[n])), None)


def _scalar(field: FieldDescriptor) -> bool:
    return _singular(field) and field.message_type is None and field.enum_type is None


def _singular(field: FieldDescriptor) -> bool:
    return not field.is_repeated
