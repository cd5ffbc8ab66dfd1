"""The JSON mapping, differentially: for hypothesis-generated messages our JSON equals
``json_format.MessageToJson``, parses back to the same message, and validates against the JSON Schema
we generate for its type unless it breaks its ``buf.validate`` rules (and the gateway's request path
accepts it)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import protovalidate
import pytest
from google.protobuf import json_format, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input
from protopact.gateway.transcode import encode_json, message_json
from protopact.render.jsonschema import Form, render_json_schemas, target_messages

from ..conftest import write_tree
from ..test_gateway import load_image

EVERYTHING = """
    syntax = "proto3";
    package every.v1;
    import "google/protobuf/any.proto";
    import "google/protobuf/duration.proto";
    import "google/protobuf/field_mask.proto";
    import "google/protobuf/struct.proto";
    import "google/protobuf/timestamp.proto";
    import "google/protobuf/wrappers.proto";
    import "google/protobuf/empty.proto";

    enum Colour { COLOUR_DEFAULT = 0; COLOUR_RED = 1; COLOUR_BLUE = 2; }
    message Scalars {
      int32 i32 = 1; sint32 s32 = 2; sfixed32 sf32 = 3; uint32 u32 = 4; fixed32 f32 = 5;
      int64 i64 = 6; sint64 s64 = 7; sfixed64 sf64 = 8; uint64 u64 = 9; fixed64 f64 = 10;
      float fl = 11; double db = 12; bool b = 13; string s = 14; bytes by = 15; Colour colour = 16;
      string custom_json = 17 [json_name = "renamed"];
    }
    message Everything {
      Scalars scalars = 1;
      repeated Scalars many = 2;
      repeated int64 numbers = 3;
      map<string, Scalars> by_name = 4;
      map<int64, string> by_number = 5;
      map<bool, Colour> by_flag = 6;
      oneof choice { string text = 7; Scalars nested = 8; google.protobuf.Empty nothing = 9; }
      optional int32 maybe = 10;
      optional string maybe_text = 11;
      google.protobuf.Timestamp at = 12;
      google.protobuf.Duration took = 13;
      google.protobuf.FieldMask mask = 14;
      google.protobuf.Struct struct = 15;
      google.protobuf.Value value = 16;
      google.protobuf.Any any = 17;
      google.protobuf.Int64Value big = 18;
      google.protobuf.BoolValue flag = 19;
      google.protobuf.StringValue label = 20;
      google.protobuf.DoubleValue ratio = 21;
      repeated Everything children = 22;
      repeated Colour colours = 23;
      optional Colour maybe_colour = 24;
    }
"""

_T = FieldDescriptor
_INTS = {
    _T.TYPE_INT32: (-(2**31), 2**31 - 1), _T.TYPE_SINT32: (-(2**31), 2**31 - 1),
    _T.TYPE_SFIXED32: (-(2**31), 2**31 - 1), _T.TYPE_UINT32: (0, 2**32 - 1),
    _T.TYPE_FIXED32: (0, 2**32 - 1), _T.TYPE_INT64: (-(2**63), 2**63 - 1),
    _T.TYPE_SINT64: (-(2**63), 2**63 - 1), _T.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    _T.TYPE_UINT64: (0, 2**64 - 1), _T.TYPE_FIXED64: (0, 2**64 - 1),
}
_JSON = st.recursive(st.none() | st.booleans() | st.text(max_size=5)
                     | st.floats(allow_nan=False, allow_infinity=False, width=32),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)


def _scalar(field: FieldDescriptor) -> st.SearchStrategy[Any]:
    if field.type in _INTS:
        return st.integers(*_INTS[field.type])
    if field.type == _T.TYPE_FLOAT:
        # json_format prints FLT_MAX as 3.4028235e+38, which its own parser rejects as too large
        return st.floats(-3.3999999521443642e+38, 3.3999999521443642e+38, width=32) | st.sampled_from([float("inf"), float("-inf")])
    if field.type == _T.TYPE_DOUBLE:
        return st.floats(allow_nan=False)
    if field.type == _T.TYPE_BOOL:
        return st.booleans()
    if field.type == _T.TYPE_STRING:
        return st.text(max_size=8)
    if field.type == _T.TYPE_BYTES:
        return st.binary(max_size=8)
    return st.sampled_from([v.number for v in field.enum_type.values])


def _special(message: Descriptor, cls: type[Message], depth: int) -> st.SearchStrategy[Message] | None:
    name = message.full_name
    if name == "google.protobuf.Timestamp":
        return st.builds(lambda s, n: cls(seconds=s, nanos=n),
                         st.integers(-62135596800, 253402300799), st.integers(0, 999_999_999))
    if name == "google.protobuf.Duration":
        return st.builds(lambda s, n: cls(seconds=s, nanos=n if s >= 0 else -n),
                         st.integers(-315576000000, 315576000000), st.integers(0, 999_999_999))
    if name == "google.protobuf.FieldMask":
        path = st.from_regex(r"[a-z]{1,4}(_[a-z]{1,4}){0,2}(\.[a-z]{1,4}){0,1}", fullmatch=True)
        return st.lists(path, max_size=3).map(lambda paths: cls(paths=paths))
    if name in ("google.protobuf.Struct", "google.protobuf.Value"):
        top = st.dictionaries(st.text(max_size=4), _JSON, max_size=3) if name.endswith(
            "Struct") else _JSON
        return top.map(lambda value: json_format.ParseDict(value, cls()))
    if name == "google.protobuf.Any":
        inner = message.file.pool.FindMessageTypeByName("every.v1.Scalars")
        def pack(value: Message) -> Message:
            packed = cls()
            packed.Pack(value)
            return packed
        return messages(inner, depth + 1).map(pack) | st.builds(cls)  # set but empty: {}
    return None


def messages(message: Descriptor, depth: int = 0) -> st.SearchStrategy[Message]:
    cls = message_factory.GetMessageClass(message)
    special = _special(message, cls, depth)
    if special is not None:
        return special
    fields = [f for f in message.fields if depth < 3 or f.message_type is None]

    @st.composite
    def build(draw: st.DrawFn) -> Message:
        out = cls()
        chosen_oneofs: set[str] = set()
        for field in fields:
            oneof = field.containing_oneof
            if not draw(st.booleans()) or (oneof is not None and oneof.name in chosen_oneofs):
                continue
            if oneof is not None:
                chosen_oneofs.add(oneof.name)
            _set(out, field, draw, depth)
        return out

    return build()


def _value(field: FieldDescriptor, depth: int) -> st.SearchStrategy[Any]:
    if field.message_type is not None:
        return messages(field.message_type, depth + 1)
    return _scalar(field)


def _set(out: Message, field: FieldDescriptor, draw: st.DrawFn, depth: int) -> None:
    target = getattr(out, field.name)
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        key, value = field.message_type.fields_by_name["key"], field.message_type.fields_by_name["value"]
        for k, v in draw(st.dictionaries(_scalar(key), _value(value, depth), max_size=2)).items():
            if value.message_type is not None:
                target[k].CopyFrom(v)
            else:
                target[k] = v
    elif field.is_repeated:
        items = draw(st.lists(_value(field, depth), max_size=2))
        if field.message_type is not None:
            for item in items:
                target.add().CopyFrom(item)
        else:
            target.extend(items)
    elif field.message_type is not None:
        target.CopyFrom(draw(_value(field, depth)))
    else:
        setattr(out, field.name, draw(_scalar(field)))


def _image(root: Path) -> Image:
    return load_input(str(root), cwd=root, cache=Cache(None)).image


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Image:
    return _image(write_tree(tmp_path_factory.mktemp("every"), {"every/v1/every.proto": EVERYTHING}))


def _validators(image: Image, form: Form = Form.ANY) -> Callable[[str], Draft202012Validator]:
    """A validator per message full name, against the schema files we render (refs resolved)."""
    files = render_json_schemas(image, prefix="", form=form)
    registry = Registry().with_resources(
        (name, Resource.from_contents(json.loads(data))) for name, data in files.items())

    @functools.cache
    def validator(full_name: str) -> Draft202012Validator:
        return Draft202012Validator(json.loads(files[f"{full_name}.json"]), registry=registry,
                                    format_checker=Draft202012Validator.FORMAT_CHECKER)

    return validator


def _check(image: Image, message: Message, *validators: Draft202012Validator) -> None:
    ours = encode_json(message_json(message, image.pool))
    assert json.loads(ours) == json.loads(json_format.MessageToJson(message,
                                                                    descriptor_pool=image.pool))
    parsed = json_format.Parse(ours, type(message)(), descriptor_pool=image.pool)
    assert parsed == message
    # the schemas carry the message's buf.validate rules: they may reject only what those reject
    for validator in validators:
        errors = sorted(validator.iter_errors(json.loads(ours)), key=str)
        assert not errors or protovalidate.collect_violations(message), errors[0]


_SETTINGS = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_every_type_of_field(everything: Image) -> None:
    descriptor = everything.pool.FindMessageTypeByName("every.v1.Everything")
    validator = _validators(everything)(descriptor.full_name)
    for wrong in ({"scalars": {"i64": "5x"}}, {"scalars": {"colour": "COLOUR_GREEN"}},
                  {"custom_json": "x"}, {"at": "yesterday"}, {"took": "5m"},
                  {"byNumber": {"x": "y"}}, {"flag": "true"}, {"scalars": {"u64": "-1"}},
                  {"any": {"value": 1}}):
        assert not validator.is_valid(wrong), wrong  # the schema is strict where ProtoJSON is
    assert validator.is_valid({"maybe": None, "flag": None, "scalars": {"renamed": "x"}})
    # What json_format accepts besides what it prints: the schema must accept it too.
    accepted = {"scalars": {"i64": 5, "u64": 7, "i32": "-3", "u32": "4", "colour": 2, "fl": "1.5",
                            "db": "-2e3"}, "big": 12, "numbers": [1, "2"], "colours": [1],
                "maybe": "9", "maybeColour": None, "ratio": "0.5", "any": {}}
    parsed = json_format.ParseDict(accepted, message_factory.GetMessageClass(descriptor)())
    assert (parsed.scalars.i64, parsed.scalars.colour, parsed.maybe) == (5, 2, 9)
    errors = list(validator.iter_errors(accepted))
    assert not errors, errors[0]
    request, response = (_validators(everything, form)(descriptor.full_name)
                         for form in (Form.REQUEST, Form.RESPONSE))
    # a request may also clear any field with null, and name one oneof member (null aside)
    cleared = {**accepted, "scalars": None, "numbers": None, "byName": None, "took": None,
               "text": "x", "nested": None}
    assert not list(request.iter_errors(cleared))
    json_format.ParseDict(cleared, message_factory.GetMessageClass(descriptor)())
    for two in ({"text": "x", "nothing": {}}, {"nested": {}, "text": "y"}, {"s": 1}):
        assert not request.is_valid(two) and not validator.is_valid(two), two
    # a response is only what json_format prints: one form per value, no null
    for unprinted in ({"maybe": None}, {"big": 12}, {"scalars": {"i64": 5}},
                      {"scalars": {"i32": "-3"}}, {"scalars": {"fl": "1.5"}},
                      {"scalars": {"custom_json": "x"}}, {"at": "2020-01-01T00:00:00+01:00"},
                      {"took": "1.5000s"}, {"text": "x", "nothing": {}}):
        assert not response.is_valid(unprinted), unprinted
        assert request.is_valid(unprinted) == ("nothing" not in unprinted), unprinted

    @_SETTINGS
    @given(messages(descriptor))
    def check(message: Message) -> None:
        _check(everything, message, validator, request, response)

    check()


def test_reference_api_messages() -> None:
    image = load_image()
    names = sorted(m.full_name for m in target_messages(image))
    validator = _validators(image)

    @_SETTINGS
    @given(st.sampled_from(names).flatmap(
        lambda name: messages(image.pool.FindMessageTypeByName(name))))
    def check(message: Message) -> None:
        _check(image, message, validator(message.DESCRIPTOR.full_name))

    check()
