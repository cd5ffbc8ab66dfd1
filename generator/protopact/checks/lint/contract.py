"""The contract conventions (category ``CONTRACT``): the shapes protopact's building blocks exist for.

The API's own types count wherever they have the shape (see :mod:`protopact.schema.conventions`):
its own pagination, Update wrappers, event metadata, ack RPCs, timestamp and phone number types. A
rule names protopact's building block (``protopact.v1.Pagination``, ``UpdateBoolean``, ...) only
where the API has none of its own. Request and response types are resolved across the whole image,
so they may come from imported files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from google.protobuf.descriptor_pb2 import DescriptorProto, FieldDescriptorProto

from ...schema import walk
from ..engine import LintContext
from ..findings import Finding, quote
from . import REGISTRY
from .base import at, targets
from .case import pascal, upper_snake
from .comments import has_comment
from .naming import lint_fields

_UPDATE_WRAPPER = {
    FieldDescriptorProto.TYPE_BOOL: "protopact.v1.UpdateBoolean",
    FieldDescriptorProto.TYPE_STRING: "protopact.v1.UpdateClearableString",
}
_INTEGERS = {FieldDescriptorProto.TYPE_INT32, FieldDescriptorProto.TYPE_INT64,
             FieldDescriptorProto.TYPE_UINT32, FieldDescriptorProto.TYPE_UINT64,
             FieldDescriptorProto.TYPE_SINT32, FieldDescriptorProto.TYPE_SINT64,
             FieldDescriptorProto.TYPE_FIXED32, FieldDescriptorProto.TYPE_FIXED64,
             FieldDescriptorProto.TYPE_SFIXED32, FieldDescriptorProto.TYPE_SFIXED64}
_IDENTIFIER = re.compile(r"(.*_)?ids?\Z")
_PHONE_NAME = re.compile(r"(.*_)?(phone(_number)?|msisdn|e164)(_.*)?\Z")
_TIME_NAME = re.compile(r"(timestamp|time|.*_(at|time|timestamp))\Z")
_INPUT_TYPE, _OUTPUT_TYPE = (2,), (3,)


def _message_index(ctx: LintContext) -> dict[str, DescriptorProto]:
    """Every message of the image by ``.full.name``, as field and method types refer to them."""
    return {"." + m.full_name: m.message for f in ctx.image.files for m in walk.messages(f)}


def _field_types(message: DescriptorProto | None) -> set[str]:
    return {f.type_name for f in message.field} if message is not None else set()


@REGISTRY.rule("CONTRACT_ENUM_ZERO_DEFAULT", walks=True)
def contract_enum_zero_default(ctx: LintContext) -> Iterator[Finding]:
    """The zero value is ``<ENUM>_DEFAULT``, or ends with buf.yaml's ``enum_zero_value_suffix`` as
    buf's ``ENUM_ZERO_VALUE_SUFFIX`` checks it (so a repository whose suffix is ``DEFAULT`` may name it
    ``DEFAULT``), and no value shares its number, so that an omitted enum reads as "not set" and
    nothing else."""
    suffix = ctx.options.enum_zero_value_suffix
    for file in targets(ctx):
        for enum in walk.enums(file):
            prefix = upper_snake(enum.enum.name)
            zeros = [v for v in walk.enum_values(enum) if v.value.number == 0]
            for value in zeros[:1]:
                name = value.value.name
                if name != prefix + "_DEFAULT" and not name.endswith(suffix):
                    yield at(ctx, "CONTRACT_ENUM_ZERO_DEFAULT", file, value.path + (walk.NAME,),
                             f"Enum zero value {quote(value.value.name)} should be named "
                             f"{quote(prefix + '_DEFAULT')}.")
            for value in zeros[1:]:
                yield at(ctx, "CONTRACT_ENUM_ZERO_DEFAULT", file, value.path + (walk.NAME,),
                         f"Enum value {quote(value.value.name)} gives the zero value of enum "
                         f"{quote(enum.enum.name)} a second meaning.")


_SELECTION_HELPERS = {".protopact.v1.Filter", ".protopact.v1.TagSelection", ".protopact.v1.TimeRange"}


def _has_selection(message: DescriptorProto, selections: frozenset[str]) -> bool:
    return any(f.name in ("selection", "filter") or f.type_name.endswith("Selection")
               or f.type_name in _SELECTION_HELPERS or f.type_name.lstrip(".") in selections
               for f in message.field)


@REGISTRY.rule("CONTRACT_LIST_PAGINATION", walks=True)
def contract_list_pagination(ctx: LintContext) -> Iterator[Finding]:
    """A ``List*`` RPC takes a selection and a ``Pagination`` or ``CursorPagination``, and answers
    with the matching ``Result`` and the corrected request."""
    rule, index, conventions = "CONTRACT_LIST_PAGINATION", _message_index(ctx), ctx.conventions
    for file in targets(ctx):
        for method in walk.all_methods(file):
            name = method.method.name
            if not pascal(name).startswith("List"):
                continue
            request = index.get(method.method.input_type)
            response = index.get(method.method.output_type)
            if request is None or response is None:
                continue
            paging = [p for t in sorted(_field_types(request))
                      if (p := conventions.paging(t.lstrip("."))) is not None]
            if not paging:
                yield at(ctx, rule, file, method.path + _INPUT_TYPE,
                         f"List RPC {quote(name)} should take a protopact.v1.Pagination or "
                         "protopact.v1.CursorPagination in its request.")
            if not _has_selection(request, conventions.selections):
                yield at(ctx, rule, file, method.path + _INPUT_TYPE,
                         f"List RPC {quote(name)} should take a selection object in its request.")
            response_types = _field_types(response)
            for pagination in paging:
                result = pagination.result or pagination.message + ".Result"
                if "." + result not in response_types:
                    yield at(ctx, rule, file, method.path + _OUTPUT_TYPE,
                             f"List RPC {quote(name)} should answer with a "
                             f"{result} in its response.")
            if method.method.input_type not in response_types:
                yield at(ctx, rule, file, method.path + _OUTPUT_TYPE,
                         f"List RPC {quote(name)} should answer with the corrected request "
                         f"{quote(method.method.input_type.lstrip('.'))} in its response.")


def _update_keys(message: walk.MessageAt,
                 index: Mapping[str, DescriptorProto]) -> set[tuple[str, int]]:
    """Fields that identify what an ``Update<X>Request`` updates: those ``Get<X>Request`` has too."""
    resource = message.message.name.removeprefix("Update").removesuffix("Request")
    scope = message.full_name.rsplit(".", 1)[0] if "." in message.full_name else ""
    getter = index.get(f".{scope}.Get{resource}Request" if scope else f".Get{resource}Request")
    return {(f.name, f.type) for f in getter.field} if getter is not None else set()


@REGISTRY.rule("CONTRACT_UPDATE_WRAPPERS", walks=True)
def contract_update_wrappers(ctx: LintContext) -> Iterator[Finding]:
    """Scalars in an ``Update*Request`` use ``UpdateBoolean``, ``UpdateClearableString``,
    ``UpdateZeroableInt`` or proto3 ``optional``, so that "not set" differs from the zero value.
    Identifiers (``id``, ``*_id``) and the fields the matching ``Get*Request`` also has are keys."""
    index = _message_index(ctx)
    own = _own_wrappers(ctx.conventions.update_wrappers, index)
    for file in targets(ctx):
        for message in walk.messages(file):
            name = message.message.name
            if not (name.startswith("Update") and name.endswith("Request")):
                continue
            keys = _update_keys(message, index)
            for field in walk.fields(message):
                f = field.field
                wrapper = own.get(f.type) or _UPDATE_WRAPPER.get(f.type) or (
                    "protopact.v1.UpdateZeroableInt" if f.type in _INTEGERS else None)
                if (wrapper is None or f.label == FieldDescriptorProto.LABEL_REPEATED
                        or f.HasField("oneof_index") or _IDENTIFIER.match(f.name)
                        or (f.name, f.type) in keys):
                    continue
                yield at(ctx, "CONTRACT_UPDATE_WRAPPERS", file, field.path,
                         f"Field {quote(f.name)} of {quote(name)} should be a {wrapper} or proto3 "
                         "optional, so that an unset value differs from the zero value.")


def _own_wrappers(wrappers: frozenset[str],
                  index: Mapping[str, DescriptorProto]) -> dict[int, str]:
    """The API's own Update wrapper for each scalar type its ``value`` field has."""
    own: dict[int, str] = {}
    for name in sorted(wrappers, key=lambda n: not n.startswith("protopact.v1.")):
        for f in index["." + name].field:
            if f.name == "value":
                own[f.type] = name
    return own


@REGISTRY.rule("CONTRACT_EVENT_METADATA_ACK", walks=True)
def contract_event_metadata_ack(ctx: LintContext) -> Iterator[Finding]:
    """A server-streaming event RPC answers with event metadata (``protopact.v1.EventMetadata`` or
    the API's own) and its service has an ack RPC for it (named after the event, ``Ack*`` or the
    API's own verb): unacknowledged events are delivered again."""
    # the module ctx.conventions imports (not imported by lint at start-up; see LintContext)
    from ...schema.conventions import without_verb

    rule, index, conventions = "CONTRACT_EVENT_METADATA_ACK", _message_index(ctx), ctx.conventions
    metadata = {"." + n for n in conventions.event_metadata} or {".protopact.v1.EventMetadata"}
    acks = set(conventions.ack_methods)
    for file in targets(ctx):
        for service in walk.services(file):
            names = {m.name for m in service.service.method}
            own = [n for n in names if f"{service.full_name}.{n}" in acks]
            for method in walk.methods(service):
                m = method.method
                if not m.server_streaming:
                    continue
                if not metadata & _field_types(index.get(m.output_type)):
                    yield at(ctx, rule, file, method.path + _OUTPUT_TYPE,
                             f"Event RPC {quote(m.name)} should answer with a "
                             f"{' or '.join(sorted(n.lstrip('.') for n in metadata))} in its "
                             "response.")
                # the event, whatever verb opens the stream: StreamCountryChangeEvents and
                # WatchCountryChangeEvents are acknowledged by AckCountryChangeEvent (or the API's
                # own verb: ConfirmCountryChangeEvent)
                event = without_verb(m.name).removesuffix("s")
                if f"Ack{event}" not in names and not any(event in n for n in own):
                    yield at(ctx, rule, file, method.path,
                             f"Event RPC {quote(m.name)} should have an ack RPC "
                             f"{quote('Ack' + event)} in service {quote(service.service.name)}.")


@REGISTRY.rule("CONTRACT_VALUE_TYPES", walks=True)
def contract_value_types(ctx: LintContext) -> Iterator[Finding]:
    """Phone numbers are ``protopact.v1.PhoneNumber`` (E.164) or the API's own phone number type,
    and times ``google.protobuf.Timestamp`` or the API's own type around one, judged by field name
    (``phone``, ``msisdn``, ``*_at``, ``*_time``)."""
    conventions = ctx.conventions
    phones = conventions.phone_numbers or frozenset({"protopact.v1.PhoneNumber"})
    value_types = phones | conventions.timestamps
    for file in targets(ctx):
        for message in walk.messages(file):
            if message.full_name in value_types:
                continue  # the value types themselves
            for field in walk.fields(message):
                f = field.field
                for pattern, wanted in ((_PHONE_NAME, phones), (_TIME_NAME, conventions.timestamps)):
                    if pattern.match(f.name) and f.type_name.lstrip(".") not in wanted:
                        yield at(ctx, "CONTRACT_VALUE_TYPES", file, field.path,
                                 f"Field {quote(f.name)} should have type "
                                 f"{' or '.join(sorted(wanted))}.")


@REGISTRY.rule("CONTRACT_COMMENTS", walks=True)
def contract_comments(ctx: LintContext) -> Iterator[Finding]:
    """Every service, RPC, message, field, enum and enum value outside ``v0`` packages has a comment."""
    for file in targets(ctx):
        if file.package.rsplit(".", 1)[-1] == "v0":
            continue
        elements: list[tuple[str, tuple[int, ...], str]] = []
        for service in walk.services(file):
            elements.append(("Service", service.path, service.service.name))
            elements += [("RPC", m.path, m.method.name) for m in walk.methods(service)]
        elements += [("Message", m.path, m.message.name) for m in walk.messages(file)
                     if not m.message.options.map_entry]
        elements += [("Field", path, f.name) for path, f in lint_fields(file)
                     if f.type != FieldDescriptorProto.TYPE_GROUP]
        for enum in walk.enums(file):
            elements.append(("Enum", enum.path, enum.enum.name))
            elements += [("Enum value", v.path, v.value.name) for v in walk.enum_values(enum)]
        for kind, path, name in elements:
            if ctx.sources[file.name].location(path) is not None and not has_comment(ctx, file, path):
                yield at(ctx, "CONTRACT_COMMENTS", file, path,
                         f"{kind} {quote(name)} should have a comment.")
