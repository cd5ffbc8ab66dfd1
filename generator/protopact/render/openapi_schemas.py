"""The OpenAPI document's component schemas: each message once per side of the wire it appears on.

A request body and a response describe different things (see :class:`.jsonschema.Form`): a request
may carry ``null``, every parse form, and OUTPUT_ONLY fields (which the gateway ignores); a response
holds exactly what json_format prints, never INPUT_ONLY fields or ``null``, and requires nothing. A message the
requests reach (route request types and everything their kept fields reach) has a request form; one
the responses reach (response types, ``google.rpc.Status``, and the contract's other messages) has a
response form. A message with both forms, where they differ, names its response form
``full.Name`` and its request form ``full.Name-Input`` (a hyphen no proto name holds); a message
with one form, or two equal ones, is ``full.Name``.

The resource of a partial update (:meth:`HttpRoute.partial_update`) has an update form too (see
:class:`.jsonschema.Form`), named ``full.Name-Update`` where it differs from the request form, as
does every message it reaches through singular message fields.

A ``body: "*"`` request whose path binds fields gets an inline schema without them: the gateway
refuses a body that sets what the path sets.

When a request holds an ``Any``, ``google.protobuf.Any`` is the schema of the types it may hold
(:mod:`.anyschema`), each in its payload form (see :class:`.jsonschema.Form`), named
``full.Name-Any`` where it differs from the request form (or the message has none).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import cast

from google.protobuf.descriptor import Descriptor
from google.rpc import status_pb2

from ..schema.http import HttpRoute
from .anyschema import any_schema
from .jsonschema import (
    Form,
    Schema,
    is_inlined,
    message_ref,
    message_schema,
    referenced_messages,
)
from .wellknown import ANY

INPUT_SUFFIX = "-Input"
UPDATE_SUFFIX = "-Update"
PAYLOAD_SUFFIX = "-Any"


def _ref(name: str) -> str:
    return f"#/components/schemas/{name}"


class Components:
    """Names, references and schemas of the document's messages, by form."""

    def __init__(self, routes: tuple[HttpRoute, ...], others: Iterable[Descriptor],
                 texts: Mapping[str, str], payloads: Iterable[Descriptor] = ()) -> None:
        """``payloads``: the types an ``Any`` in a request may hold."""
        self.texts = texts
        requests = [r.method.input_type for r in routes]
        responses = [*(r.method.output_type for r in routes), status_pb2.Status.DESCRIPTOR]
        self.request_messages = referenced_messages(requests, Form.REQUEST)
        reached = {m.full_name for m in self.request_messages}
        self.payloads = tuple(payloads) if any(
            m.full_name == ANY for m in requests) or any(
            f.message_type is not None and f.message_type.full_name == ANY
            for m in self.request_messages for f in m.fields) else ()
        self.payload_messages = referenced_messages(self.payloads, Form.PAYLOAD)
        self.payload_split = _differing(self.payload_messages, (Form.PAYLOAD, Form.REQUEST),
                                        _reached, {m.full_name for m in self.payload_messages}
                                        - reached)
        self.response_messages = referenced_messages(
            [*responses, *(m for m in others if m.full_name not in reached)], Form.RESPONSE)
        both = reached & {m.full_name for m in self.response_messages}
        self.split = _differing([m for m in self.request_messages if m.full_name in both],
                                (Form.REQUEST, Form.RESPONSE), _reached)
        updated = [r.method.input_type if update.resource == "" else
                   cast(Descriptor, update.mask.containing_type.fields_by_name[
                       update.resource].message_type)
                   for r in routes if (update := r.partial_update()) is not None]
        self.update_messages = _singly_reached(updated)
        self.update_split = _differing(self.update_messages, (Form.UPDATE, Form.REQUEST),
                                       _singular)

    def name(self, full_name: str, form: Form) -> str:
        if form is Form.PAYLOAD:
            if full_name in self.payload_split:
                return full_name + PAYLOAD_SUFFIX
            form = Form.REQUEST
        if form is Form.UPDATE:
            if full_name in self.update_split:
                return full_name + UPDATE_SUFFIX
            form = Form.REQUEST
        return full_name + INPUT_SUFFIX if form is Form.REQUEST and full_name in self.split else full_name

    def ref(self, full_name: str, form: Form) -> str:
        return _ref(self.name(full_name, form))

    def message(self, message: Descriptor, form: Form) -> Schema:
        """A whole message as a request body or a response: a ``$ref`` or an inline well-known
        type."""
        return message_ref(message, self.ref, form)

    def schemas(self) -> dict[str, Schema]:
        updates = [m for m in self.update_messages if m.full_name in self.update_split]
        payloads = [m for m in self.payload_messages if m.full_name in self.payload_split]
        out = {self.name(m.full_name, form): message_schema(m, self.ref, self.texts, form)
               for form, messages in ((Form.REQUEST, self.request_messages),
                                      (Form.RESPONSE, self.response_messages),
                                      (Form.UPDATE, updates), (Form.PAYLOAD, payloads))
               for m in messages}
        if self.payloads:
            out[self.name(ANY, Form.REQUEST)] = any_schema(self.payloads, self.ref, self.texts)
        return dict(sorted(out.items()))

    def body(self, message: Descriptor, bound: Iterable[tuple[str, ...]],
             form: Form = Form.REQUEST) -> Schema:
        """The ``form`` schema of ``message`` as a ``body: "*"``, without the ``bound`` field paths
        (those the URL path sets)."""
        bound = list(bound)
        if not bound:
            return self.message(message, form)
        nested: dict[str, list[tuple[str, ...]]] = {}
        for path in bound:
            if len(path) > 1:
                nested.setdefault(path[0], []).append(path[1:])
        replace = {}
        for name, rest in nested.items():
            field = message.fields_by_name[name]
            assert field.message_type is not None  # a path reaches its field through messages
            replace[name] = {"anyOf": [self.body(field.message_type, rest, form),
                                       {"type": "null"}]}
        return message_schema(message, self.ref, self.texts, form,
                              leave_out=frozenset(p[0] for p in bound if len(p) == 1),
                              replace=replace)


def _reached(message: Descriptor) -> Iterable[Descriptor]:
    """The message types ``message``'s fields hold (a map's value type for a map)."""
    for field in message.fields:
        target = field.message_type
        if target is not None and target.GetOptions().map_entry:
            target = target.fields_by_name["value"].message_type
        if target is not None:
            yield target


def _singular(message: Descriptor) -> Iterable[Descriptor]:
    """The message types ``message``'s singular message fields hold."""
    for field in message.fields:
        if field.message_type is not None and not field.is_repeated:
            yield field.message_type


def _singly_reached(roots: Iterable[Descriptor]) -> list[Descriptor]:
    """``roots`` and the messages they reach through singular message fields, sorted by name."""
    seen: dict[str, Descriptor] = {}
    stack = list(roots)
    while stack:
        message = stack.pop()
        if message.full_name not in seen and not is_inlined(message):
            seen[message.full_name] = message
            stack.extend(_singular(message))
    return [seen[name] for name in sorted(seen)]


def _differing(messages: list[Descriptor], forms: tuple[Form, Form],
               reached: Callable[[Descriptor], Iterable[Descriptor]],
               apart: Iterable[str] = ()) -> frozenset[str]:
    """Those of ``messages`` whose two ``forms`` differ, directly or through a message they reach
    that does; ``apart`` names some that are apart in any case (those with no ``other`` form)."""
    def bare(name: str, _form: Form) -> str:
        return name

    one, other = forms
    split = {m.full_name for m in messages
             if message_schema(m, bare, {}, one) != message_schema(m, bare, {}, other)}
    split.update(apart)
    changed = True
    while changed:
        changed = False
        for m in messages:
            if m.full_name not in split and any(t.full_name in split for t in reached(m)):
                split.add(m.full_name)
                changed = True
    return frozenset(split)
