"""REST ↔ gRPC transcoding for one route, through ``json_format`` and the Image's descriptor pool.

A request message is built in the order the HTTP rule spec implies: the JSON body (the whole message
for ``body: "*"``, which must leave out the fields the path sets, else the named field), then the
query string (the remaining fields, dotted paths for nested ones, repeated keys for repeated fields),
then the path variables, which win. Anything the
mapping rejects, i.e. malformed JSON, unknown fields or parameters, wrong types, bad path values,
raises a 400 :class:`HttpError` naming the field; never another exception.

Presence survives the trip: a field the body omits stays unset, so proto3 ``optional`` and the
``Update*``/wrapper types tell "omitted" from "set to the zero value". On a PATCH binding whose
request has a ``FieldMask`` the client did not send, the mask is derived from the fields the body
sets. Responses are exactly ``json_format.MessageToDict`` (``response_body`` selects a field).
Output-only fields are cleared from requests and input-only ones from responses (:mod:`.behavior`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from google.protobuf import descriptor_pool, json_format, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from ..render.jsonschema import is_inlined, is_map
from ..render.wellknown import WRAPPERS
from ..schema.conventions import role
from ..schema.http import PATH_MESSAGES, HttpRoute
from ..schema.options import field_behaviors
from . import behavior, required, strict
from .status import bad_request, unencodable

_FAILED_FIELD = re.compile(r"Failed to parse (\w+) field")
_UNKNOWN_FIELD = re.compile(r'no field named "([^"]+)" at "([^"]+)"')


class Transcoder:
    """Builds requests and encodes responses for one :class:`HttpRoute`."""

    def __init__(self, route: HttpRoute, pool: descriptor_pool.DescriptorPool,
                 checks: strict.Strict) -> None:
        self.route = route
        self.pool, self.checks = pool, checks
        self.request_class = message_factory.GetMessageClass(route.method.input_type)
        self.response_class = message_factory.GetMessageClass(route.method.output_type)
        self._path_fields = {v.field for v in route.binding.path_template.variables}

    # -- requests -------------------------------------------------------------------------------

    def request(self, path_values: Mapping[str, str], query: Iterable[tuple[str, str]],
                body: bytes) -> Message:
        message = self.request_class()
        body_json = self._body_json(body)
        if body_json is not None:
            target = self.route.binding.body
            self._merge(message, body_json if target == "*" else {target: body_json})
        self._merge(message, self._query_json(query))
        self._merge(message, _nested({tuple(k.split(".")): self._text_value(k.split("."), [v])
                                      for k, v in path_values.items()}))
        if isinstance(body_json, dict):
            self._derive_field_mask(message, body_json)
        behavior.clear(message, behavior.OUTPUT_ONLY)
        return message

    def _body_json(self, body: bytes) -> Any:
        if not body.strip():
            return None
        if not self.route.binding.body:
            raise bad_request(f"{self.route.binding.verb} {self.route.binding.path} takes no body")
        value = load_json(body)
        if self.route.binding.body == "*":
            if not isinstance(value, dict):
                raise bad_request("The body must be a JSON object")
            self.checks.message(self.route.method.input_type, value)
            for variable in self.route.binding.path_template.variables:
                if _holds(self.route.method.input_type, value, variable.field_path):
                    raise bad_request(f'Field "{variable.field}" is set by the URL path; leave it '
                                      f"out of the body", variable.field)
        else:
            field = self.route.method.input_type.fields_by_name[self.route.binding.body]
            self.checks.field(field, value, field.name)
        return value

    def _query_json(self, query: Iterable[tuple[str, str]]) -> dict[str, Any]:
        grouped: dict[str, list[str]] = {}
        for key, value in query:
            grouped.setdefault(key, []).append(value)
        leaves: dict[tuple[str, ...], Any] = {}
        spelled: dict[tuple[str, ...], str] = {}
        for key, values in grouped.items():
            path = key.split(".")
            # compared by proto name, so that the JSON spelling cannot slip past the check
            proto = _proto_path(self.route.method.input_type, path)
            if self.route.binding.body == "*" or ".".join(proto) in self._path_fields or (
                    proto[0] == self.route.binding.body):
                raise bad_request(f'Unknown query parameter "{key}"', key)
            if tuple(proto) in spelled:  # json_format would keep one of them silently
                raise bad_request(f'Query parameter "{key}" is given twice, as '
                                  f'"{spelled[tuple(proto)]}" and "{key}"', key)
            spelled[tuple(proto)] = key
            leaves[tuple(proto)] = self._text_value(path, values)
        return _nested(leaves)

    def _text_value(self, path: list[str], values: list[str]) -> Any:
        """The JSON value that the URL text ``values`` stand for at field ``path``."""
        key = ".".join(path)
        field = _field_at(self.route.method.input_type, path, key)
        if is_map(field) or (field.message_type is not None
                             and field.message_type.full_name not in PATH_MESSAGES):
            raise bad_request(f'Field "{key}" cannot be set from the URL', key)
        if field.is_repeated:
            return [_text_to_json(field, v, key) for v in values]
        if len(values) > 1:
            raise bad_request(f'Field "{key}" is not repeated but was given {len(values)} times', key)
        return _text_to_json(field, values[0], key)

    def _merge(self, message: Message, value: dict[str, Any]) -> None:
        if value:
            merge_json(message, value, self.pool)

    def _derive_field_mask(self, message: Message, body_json: dict[str, Any]) -> None:
        update = self.route.partial_update()
        if update is None or message.HasField(update.mask.name):
            return
        root: Descriptor
        if update.resource:
            root, skip = cast(Descriptor, update.mask.containing_type.fields_by_name[
                update.resource].message_type), set()
        else:
            root, skip = cast(Descriptor, message.DESCRIPTOR), {update.mask.name,
                                                                *self._path_fields}
        paths = [p for p in _set_paths(root, body_json) if p.split(".")[0] not in skip]
        getattr(message, update.mask.name).paths.extend(paths)

    def missing(self, message: Message) -> list[str]:
        """The REQUIRED fields ``message`` leaves unset, as :mod:`.required` reads them."""
        update = self.route.partial_update()
        mask = None if update is None else (
            update.resource, tuple(getattr(message, update.mask.name).paths))
        return required.missing(message, bound=self._path_fields, update=mask)

    # -- responses ------------------------------------------------------------------------------

    def response_json(self, message: Message) -> Any:
        behavior.clear(message, behavior.INPUT_ONLY)
        name = self.route.binding.response_body
        if not name:
            return self.to_dict(message)
        field = message.DESCRIPTOR.fields_by_name[name]
        if field.message_type is not None and not field.is_repeated:
            return self.to_dict(getattr(message, name))
        return json_format.MessageToDict(message, always_print_fields_with_no_presence=True,
                                         descriptor_pool=self.pool)[field.json_name]

    def to_dict(self, message: Message) -> Any:
        return message_json(message, self.pool)

    def response_bytes(self, message: Message) -> bytes:
        """The response body for ``message``; see :func:`message_bytes`."""
        return _encoded(message, lambda: self.response_json(message))


def message_bytes(message: Message, pool: descriptor_pool.DescriptorPool) -> bytes:
    """The ProtoJSON of ``message`` as bytes; 502 when it has no JSON form (an invalid FieldMask
    path, a Timestamp or Duration out of range, an ``Any`` of a type the gateway does not know)."""
    return _encoded(message, lambda: message_json(message, pool))


def _encoded(message: Message, value: Callable[[], Any]) -> bytes:
    try:
        return encode_json(value())
    except (json_format.Error, ValueError, TypeError, KeyError, RecursionError) as exc:
        reason = str(exc).split("\n")[0]
        raise unencodable(f"The upstream's {message.DESCRIPTOR.full_name} has no JSON form: "
                          f"{reason}") from None


def load_json(body: bytes) -> Any:
    """A request body's JSON value; 400 for malformed JSON, a key repeated in one object (which
    ``json_format.Parse`` refuses too) or nesting too deep to parse."""
    try:
        return json.loads(body, object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_request(f"The body is not valid JSON: {exc}") from None
    except RecursionError:
        raise bad_request("The body nests too deeply") from None


def merge_json(message: Message, value: Any, pool: descriptor_pool.DescriptorPool) -> None:
    """``value`` (ProtoJSON) merged into ``message``; 400 naming the field when it does not fit."""
    try:
        json_format.ParseDict(value, message, descriptor_pool=pool)
    except (json_format.ParseError, ValueError, TypeError, AttributeError, RecursionError) as exc:
        text = str(exc).split("\n")[0]
        raise bad_request(text, _field_named_in(text)) from None


def message_json(message: Message, pool: descriptor_pool.DescriptorPool) -> Any:
    """The ProtoJSON value of ``message``, exactly ``json_format.MessageToDict``'s; ``Any`` payloads
    resolved in ``pool``."""
    return json_format.MessageToDict(message, descriptor_pool=pool)


def encode_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def ack_id_of(message: Message) -> str:
    """The ack id of an event: the ack field (by its role) of a top-level message field, such as
    ``protopact.v1.EventMetadata.ack_id`` or the string in an API's own ack handle; or ``""``."""
    for field in message.DESCRIPTOR.fields:
        if field.message_type is None or field.is_repeated or not message.HasField(field.name):
            continue
        inner = getattr(message, field.name)
        name = role(inner.DESCRIPTOR.fields_by_name, "ack")
        value = getattr(inner, name) if name is not None else None
        if isinstance(value, Message):
            text = next((f.name for f in value.DESCRIPTOR.fields if f.type == f.TYPE_STRING), None)
            value = getattr(value, text) if text is not None else None
        if isinstance(value, str):
            return value
    return ""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json_format.Parse refuses duplicate keys too; json.loads would keep the last one silently.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise bad_request(f'The key "{key}" appears twice in one JSON object', key)
        out[key] = value
    return out


def _holds(message: Descriptor, value: Any, path: tuple[str, ...]) -> bool:
    """Whether the JSON object ``value`` of ``message`` has a key (JSON or proto name) at the field
    ``path`` of proto names."""
    for name in path:
        field = message.fields_by_name[name]
        key = next((k for k in (field.json_name, field.name)
                    if isinstance(value, dict) and k in value), None)
        if key is None:
            return False
        value, message = value[key], field.message_type
    return True


def _field_at(message: Descriptor, path: list[str], key: str) -> FieldDescriptor:
    """The field at a dotted path; each part may be the proto name or the JSON name."""
    field: FieldDescriptor | None = None
    for part in path:
        if field is not None:
            if field.message_type is None or field.is_repeated or is_inlined(field.message_type):
                raise bad_request(f'Unknown field "{key}"', key)
            message = field.message_type
        field = message.fields_by_name.get(part) or message.fields_by_camelcase_name.get(part)
        if field is None or field.json_name != part and field.name != part:
            raise bad_request(f'Unknown field "{key}"', key)
    assert field is not None
    return field


def _proto_path(message: Descriptor | None, path: list[str]) -> list[str]:
    """``path`` with each part that names a field (by JSON or proto name) as its proto name."""
    out: list[str] = []
    for part in path:
        field = (message.fields_by_name.get(part) or message.fields_by_camelcase_name.get(part)
                 if message is not None else None)
        out.append(field.name if field is not None else part)
        message = field.message_type if field is not None else None
    return out


def _text_to_json(field: FieldDescriptor, text: str, key: str) -> Any:
    """URL text as the JSON value ``json_format`` expects (it takes numbers and enums as strings)."""
    strict.check_text(field, text, key)
    if field.message_type is not None and field.message_type.full_name in WRAPPERS:
        field = field.message_type.fields_by_name["value"]
    if field.type == FieldDescriptor.TYPE_BOOL:
        if text not in ("true", "false"):
            raise bad_request(f'Field "{key}" must be true or false, not "{text}"', key)
        return text == "true"
    return text


def _nested(leaves: Mapping[tuple[str, ...], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in leaves.items():
        node = out
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise bad_request(f'Field "{".".join(path)}" conflicts with "{part}"', ".".join(path))
            node = child
        if isinstance(node.get(path[-1]), dict):
            raise bad_request(f'Field "{".".join(path)}" is set twice', ".".join(path))
        node[path[-1]] = value
    return out


def _set_paths(message: Descriptor, value: dict[str, Any], prefix: str = "") -> list[str]:
    """FieldMask paths (proto names) of the fields a JSON object sets; sub-messages recursed into."""
    paths = []
    for key, item in value.items():
        field = message.fields_by_name.get(key) or message.fields_by_camelcase_name.get(key)
        if field is None or behavior.OUTPUT_ONLY in field_behaviors(field):
            continue  # an output-only field is ignored, so it is no part of the update
        path = prefix + field.name
        if (isinstance(item, dict) and item and field.message_type is not None
                and not is_map(field) and not is_inlined(field.message_type)):
            paths.extend(_set_paths(field.message_type, item, path + "."))
        else:
            paths.append(path)
    return paths


def _field_named_in(text: str) -> str:
    """The field a ``json_format`` error names, as a dotted path, or ``""``."""
    unknown = _UNKNOWN_FIELD.search(text)
    if unknown:
        return ".".join([*unknown.group(2).split(".")[1:], unknown.group(1)])
    return ".".join(_FAILED_FIELD.findall(text))
