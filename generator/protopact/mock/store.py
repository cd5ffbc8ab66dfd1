"""The stateful mock's resources: what creates stored, what gets, updates, deletes and lists see.

One :class:`Collection` per resource type (:mod:`.resources`), in creation order. A collection that
a list method pages starts with that list's seeded examples, so a fresh mock lists what the
stateless one did, and every listed item can be fetched, changed and deleted. Keys the server fills
are reproducible per ``--seed`` and order of calls: integers count up from the largest in use,
``name`` keys are resource names (``shelves/1/books/<uuid>`` under a ``parent``, the collection
taken from the ``google.api.resource`` pattern or the type's plural), other strings seeded UUIDs.

- **create** stores the resource as sent, with the fields the client may not set filled by the
  server (``OUTPUT_ONLY`` fields, and fields a field-by-field create request does not carry) from
  the example engine; the key is the server's unless the request chooses it (an AIP ``<type>_id``,
  or a key field that is not output only), and a key in use is ALREADY_EXISTS;
- **update** applies the request's ``FieldMask`` (``*`` for all; no mask: the fields the body
  sets), or the Update wrappers marked ``updated`` and the plain fields that are set; output-only
  fields and the key never change; an unknown mask path is INVALID_ARGUMENT;
- **get**, **update** and **delete** of a key not stored are NOT_FOUND (404 over REST).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import grpc
from google.protobuf import field_mask_pb2, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from ..checks.lint.case import lower_snake
from ..schema.options import field_behaviors
from . import data
from .handlers import CallError, invalid_argument
from .resources import Resource, ResourceMethod

Behaviour = Callable[[Message, grpc.aio.ServicerContext], Any]


class Collection:
    """The stored items of one resource type, by key (as text), in creation order."""

    def __init__(self, resource: Resource, seed: int) -> None:
        self.resource = resource
        self.items: dict[str, Message] = {}
        self._random = random.Random(f"{seed}:{resource.full_name}")
        self._created = 0
        self._largest = 0  # integer keys count up from here, never reusing a deleted one

    def items_under(self, parent: str) -> list[Message]:
        """Every item, or those whose resource name lies under ``parent``."""
        if not parent:
            return list(self.items.values())
        prefix = parent.rstrip("/") + "/"
        return [item for key, item in self.items.items() if key.startswith(prefix)]

    def create(self, item: Message, *, fill: Iterable[str], parent: str = "",
               chosen: str = "") -> Message:
        """Store ``item`` with its ``fill`` fields set by the server (from the example engine);
        ``chosen`` is the identifier the client picked for a new name, or ""."""
        resource, descriptor = self.resource, self.resource.message
        example = data.example(descriptor, index=self._created)
        self._created += 1
        fill = set(fill)
        for name in fill - {resource.key.name}:
            _copy_field(example, item, descriptor.fields_by_name[name])
        key_name = resource.key.name
        key: Any = getattr(item, key_name)
        integer = resource.key.cpp_type in _INTEGER_TYPES
        if chosen and not integer:
            key = self._name(parent, chosen) if key_name == "name" else chosen
        elif not key or key_name in fill or key_name == "name":  # AIP: a sent name is ignored
            key = self._largest + 1 if integer else self._new_name(parent)
        setattr(item, key_name, key)
        if str(key) in self.items:
            raise CallError(grpc.StatusCode.ALREADY_EXISTS,
                            f'{descriptor.name} "{key}" already exists')
        if integer:
            self._largest = max(self._largest, key)
        self.items[str(key)] = item
        return item

    def find(self, key: Any) -> Message:
        item = self.items.get(str(key))
        if item is None:
            raise CallError(grpc.StatusCode.NOT_FOUND,
                            f'{self.resource.message.name} "{key}" not found')
        return item

    def _new_name(self, parent: str) -> str:
        made = str(uuid.UUID(int=self._random.getrandbits(128), version=4))
        return self._name(parent, made) if self.resource.key.name == "name" else made

    def _name(self, parent: str, identifier: str) -> str:
        """A resource name: ``parent/collection/identifier``."""
        prefix = f"{parent.rstrip('/')}/" if parent else ""
        return f"{prefix}{_collection_id(self.resource)}/{identifier}"


_INTEGER_TYPES = frozenset({FieldDescriptor.CPPTYPE_INT32, FieldDescriptor.CPPTYPE_INT64,
                            FieldDescriptor.CPPTYPE_UINT32, FieldDescriptor.CPPTYPE_UINT64})


def _collection_id(resource: Resource) -> str:
    """The collection segment of the resource's names: the literal before the last variable of its
    pattern (``books`` in ``shelves/{shelf}/books/{book}``), else its type's plural."""
    for pattern in resource.patterns:
        segments = pattern.split("/")
        if len(segments) >= 2 and segments[-1].startswith("{"):
            return segments[-2]
    return lower_snake(resource.message.name) + "s"


def output_only(descriptor: Descriptor) -> frozenset[str]:
    return frozenset(f.name for f in descriptor.fields if "OUTPUT_ONLY" in field_behaviors(f))


class Store:
    """Every collection of one mock, each created (with its seeded examples) on first use."""

    def __init__(self, seed: int, kept: dict[str, tuple[Resource, int]]) -> None:
        self.seed = seed
        self.kept = kept  # resource full name -> (resource, seeded examples)
        self.collections: dict[str, Collection] = {}

    def collection(self, resource: Resource) -> Collection:
        found = self.collections.get(resource.full_name)
        if found is None:
            found = self.collections[resource.full_name] = Collection(resource, self.seed)
            every = [f.name for f in resource.message.fields]
            for _ in range(self.kept.get(resource.full_name, (resource, 0))[1]):
                found.create(message_factory.GetMessageClass(resource.message)(), fill=every)
        return found

    def items(self, type_name: str, request: Message) -> list[Message] | None:
        """The stored items a list ``request`` pages (those under its ``parent``, for resources
        keyed by name), or None when the store does not keep ``type_name``."""
        if type_name not in self.kept:
            return None
        resource = self.kept[type_name][0]
        parent = _text(request, "parent") if resource.key.name == "name" else ""
        return self.collection(resource).items_under(parent)


def behaviour(rpc: ResourceMethod, store: Store) -> Behaviour:
    """The call handler of a resource method over ``store``."""
    return {"create": _create, "get": _get, "update": _update, "delete": _delete}[rpc.verb](
        rpc, lambda: store.collection(rpc.resource))


def _create(rpc: ResourceMethod, collection: Callable[[], Collection]) -> Behaviour:
    descriptor = rpc.resource.message
    item_class = message_factory.GetMessageClass(descriptor)
    chosen_field = f"{lower_snake(descriptor.name)}_id"
    server_set = output_only(descriptor)

    async def create(request: Message, _context: grpc.aio.ServicerContext) -> Message:
        item = item_class()
        if rpc.body is None:  # field by field: the resource's other fields are the server's
            sent = {f.name for f in request.DESCRIPTOR.fields
                    if _compatible(f, descriptor.fields_by_name.get(f.name))}
            for name in sent:
                _copy_field(request, item, descriptor.fields_by_name[name])
            fill = server_set | {f.name for f in descriptor.fields} - sent
        else:
            item.CopyFrom(getattr(request, rpc.body) if rpc.body else request)
            fill = server_set
        chosen = _text(request, chosen_field) if rpc.body else ""
        stored = collection().create(item, fill=fill, parent=_text(request, "parent"), chosen=chosen)
        return _answer(rpc, stored)
    return create


def _get(rpc: ResourceMethod, collection: Callable[[], Collection]) -> Behaviour:
    async def get(request: Message, _context: grpc.aio.ServicerContext) -> Message:
        return _answer(rpc, collection().find(getattr(request, rpc.key or "")))
    return get


def _delete(rpc: ResourceMethod, collection: Callable[[], Collection]) -> Behaviour:
    async def delete(request: Message, _context: grpc.aio.ServicerContext) -> Message:
        key = getattr(request, rpc.key or "")
        item = collection().find(key)
        del collection().items[str(key)]
        return _answer(rpc, item)
    return delete


def _update(rpc: ResourceMethod, collection: Callable[[], Collection]) -> Behaviour:
    descriptor = rpc.resource.message
    fixed = output_only(descriptor) | {rpc.resource.key.name}

    async def update(request: Message, _context: grpc.aio.ServicerContext) -> Message:
        if rpc.body is not None:
            body = getattr(request, rpc.body) if rpc.body else request
            stored = collection().find(getattr(body, rpc.resource.key.name))
            paths = _mask_paths(request, rpc, body)
            changed = type(stored)()
            changed.CopyFrom(stored)
            field_mask_pb2.FieldMask(paths=sorted(paths - fixed)).MergeMessage(
                body, changed, replace_message_field=True, replace_repeated_field=True)
        else:
            stored = collection().find(getattr(request, rpc.key or ""))
            changed = type(stored)()
            changed.CopyFrom(stored)
            _apply_fields(request, changed, rpc, fixed)
        stored.CopyFrom(changed)
        return _answer(rpc, stored)
    return update


def _mask_paths(request: Message, rpc: ResourceMethod, body: Message) -> set[str]:
    """The paths an update changes: its mask's (``*``: every field), or the fields the body sets."""
    descriptor = rpc.resource.message
    mask = getattr(request, rpc.mask) if rpc.mask else None
    paths = list(mask.paths) if mask is not None else []
    if not paths:
        return {f.name for f, _ in body.ListFields()}
    if "*" in paths:
        return {f.name for f in descriptor.fields}
    for path in paths:
        if not field_mask_pb2.FieldMask(paths=[path]).IsValidForDescriptor(descriptor):
            raise invalid_argument(f"{rpc.mask}.paths",
                                   f"{path!r} is not a field of {descriptor.full_name}")
    return set(paths)


def _apply_fields(request: Message, item: Message, rpc: ResourceMethod,
                  fixed: frozenset[str]) -> None:
    """An update by key: Update wrappers marked updated, and plain fields that are set."""
    fields = item.DESCRIPTOR.fields_by_name
    for source in request.DESCRIPTOR.fields:
        target = fields.get(source.name)
        if source.name == rpc.key or target is None or target.name in fixed:
            continue
        if source.name in rpc.wrapped:
            wrapper = getattr(request, source.name)
            flag = next((f.name for f in wrapper.DESCRIPTOR.fields
                         if f.type == f.TYPE_BOOL and f.name != "value"), "")
            value = wrapper.DESCRIPTOR.fields_by_name["value"]
            if getattr(wrapper, flag) and _compatible(value, target):
                _copy_field(wrapper, item, target, source_name="value")
        elif _compatible(source, target) and _is_set(request, source):
            _copy_field(request, item, target, source_name=source.name)


def _answer(rpc: ResourceMethod, item: Message) -> Message:
    response_class = message_factory.GetMessageClass(rpc.method.output_type)
    if rpc.returned == "":
        return response_class.FromString(item.SerializeToString())
    response = response_class()
    if rpc.returned is not None:
        getattr(response, rpc.returned).CopyFrom(item)
    return response


def _text(message: Message, name: str) -> str:
    field = message.DESCRIPTOR.fields_by_name.get(name)
    ok = field is not None and field.type == field.TYPE_STRING and not field.is_repeated
    return getattr(message, name) if ok else ""


def _compatible(source: FieldDescriptor, target: FieldDescriptor | None) -> bool:
    """Whether ``source``'s value can be copied into ``target`` as it is."""
    if target is None or source.is_repeated != target.is_repeated:
        return False
    if source.message_type is not None or target.message_type is not None:
        return source.message_type is target.message_type
    if source.enum_type is not None or target.enum_type is not None:
        return source.enum_type is target.enum_type
    return source.cpp_type == target.cpp_type


def _is_set(message: Message, field: FieldDescriptor) -> bool:
    if field.is_repeated:
        return len(getattr(message, field.name)) > 0
    if field.has_presence:
        return message.HasField(field.name)
    return bool(getattr(message, field.name))


def _copy_field(source: Message, target: Message, field: FieldDescriptor, *,
                source_name: str | None = None) -> None:
    """Set ``target``'s ``field`` to ``source``'s field ``source_name`` (default: the same name)."""
    name = source_name or field.name
    target.ClearField(field.name)
    if field.is_repeated:
        getattr(target, field.name).MergeFrom(getattr(source, name))
    elif field.message_type is not None:
        if source.HasField(name):
            getattr(target, field.name).CopyFrom(getattr(source, name))
    elif not field.has_presence or source.HasField(name):
        setattr(target, field.name, getattr(source, name))
