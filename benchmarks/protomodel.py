"""A tiny model of the .proto elements the benchmark corpus uses, and its rendering to text.

This is a writer, not a parser: the corpus generator builds these frozen values, the mutations derive
changed copies with ``dataclasses.replace``, and :func:`render_file` prints them as proto3 source in
googleapis' layout (license header, file options, service first, one leading comment per element).
Rendering is a pure function of the value, so the same model always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

LICENSE = """\
// Copyright 2025 Acme LLC
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.
"""
ANNOTATIONS = "google/api/annotations.proto"
WELL_KNOWN = {
    "google.protobuf.Any": "google/protobuf/any.proto",
    "google.protobuf.Duration": "google/protobuf/duration.proto",
    "google.protobuf.Empty": "google/protobuf/empty.proto",
    "google.protobuf.FieldMask": "google/protobuf/field_mask.proto",
    "google.protobuf.Int64Value": "google/protobuf/wrappers.proto",
    "google.protobuf.StringValue": "google/protobuf/wrappers.proto",
    "google.protobuf.Struct": "google/protobuf/struct.proto",
    "google.protobuf.Timestamp": "google/protobuf/timestamp.proto",
}


@dataclass(frozen=True)
class Field:
    name: str
    number: int
    type: str  # as written: "string", "Book", "acme.type.v1.Money", "map<string, Book>"
    label: str = ""  # "", "repeated" or "optional"
    comment: str = ""
    deprecated: bool = False

    @property
    def is_map(self) -> bool:
        return self.type.startswith("map<")


@dataclass(frozen=True)
class Oneof:
    name: str
    fields: tuple[Field, ...]
    comment: str = ""


@dataclass(frozen=True)
class EnumValue:
    name: str
    number: int
    comment: str = ""


@dataclass(frozen=True)
class Enum:
    name: str
    values: tuple[EnumValue, ...]
    comment: str = ""


@dataclass(frozen=True)
class Message:
    name: str
    fields: tuple[Field, ...]
    oneofs: tuple[Oneof, ...] = ()
    messages: tuple[Message, ...] = ()
    enums: tuple[Enum, ...] = ()
    reserved: tuple[int, ...] = ()
    comment: str = ""

    def all_fields(self) -> Iterator[Field]:
        yield from self.fields
        for oneof in self.oneofs:
            yield from oneof.fields

    def max_number(self) -> int:
        return max([f.number for f in self.all_fields()] + list(self.reserved) + [0])


@dataclass(frozen=True)
class HttpRule:
    verb: str  # get, post, patch, delete
    path: str
    body: str = ""
    additional: tuple[HttpRule, ...] = ()


@dataclass(frozen=True)
class Method:
    name: str
    request: str
    response: str
    http: HttpRule | None
    server_streaming: bool = False
    comment: str = ""


@dataclass(frozen=True)
class Service:
    name: str
    methods: tuple[Method, ...]
    comment: str = ""


@dataclass(frozen=True)
class ProtoFile:
    path: str
    package: str
    imports: tuple[str, ...]
    options: tuple[tuple[str, str], ...]  # (name, value as written, quotes included)
    messages: tuple[Message, ...] = ()
    enums: tuple[Enum, ...] = ()
    services: tuple[Service, ...] = ()


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}// {line}".rstrip() for line in text.split("\n")] if text else []


def _field(f: Field, indent: str) -> list[str]:
    label = f"{f.label} " if f.label else ""
    options = " [deprecated = true]" if f.deprecated else ""
    return _comment(f.comment, indent) + [f"{indent}{label}{f.type} {f.name} = {f.number}{options};"]


def _enum(e: Enum, indent: str) -> list[str]:
    lines = _comment(e.comment, indent) + [f"{indent}enum {e.name} {{"]
    for v in e.values:
        lines += _comment(v.comment, indent + "  ") + [f"{indent}  {v.name} = {v.number};"]
    return lines + [f"{indent}}}"]


def _message(m: Message, indent: str) -> list[str]:
    inner = indent + "  "
    lines = _comment(m.comment, indent) + [f"{indent}message {m.name} {{"]
    for nested in m.messages:
        lines += _message(nested, inner) + [""]
    for e in m.enums:
        lines += _enum(e, inner) + [""]
    if m.reserved:
        lines.append(f"{inner}reserved {', '.join(str(n) for n in m.reserved)};")
    for f in m.fields:
        lines += _field(f, inner)
    for oneof in m.oneofs:
        lines += _comment(oneof.comment, inner) + [f"{inner}oneof {oneof.name} {{"]
        for f in oneof.fields:
            lines += _field(f, inner + "  ")
        lines.append(f"{inner}}}")
    return lines + [f"{indent}}}"]


def _http(rule: HttpRule, indent: str) -> list[str]:
    lines = [f'{indent}{rule.verb}: "{rule.path}"']
    if rule.body:
        lines.append(f'{indent}body: "{rule.body}"')
    for extra in rule.additional:
        lines += [f"{indent}additional_bindings {{"] + _http(extra, indent + "  ") + [f"{indent}}}"]
    return lines


def _service(s: Service) -> list[str]:
    lines = _comment(s.comment, "") + [f"service {s.name} {{"]
    for i, m in enumerate(s.methods):
        if i:
            lines.append("")
        stream = "stream " if m.server_streaming else ""
        head = f"  rpc {m.name}({m.request}) returns ({stream}{m.response})"
        lines += _comment(m.comment, "  ")
        if m.http is None:
            lines.append(head + ";")
            continue
        lines += [head + " {", "    option (google.api.http) = {"]
        lines += _http(m.http, "      ") + ["    };", "  }"]
    return lines + ["}"]


def render_file(f: ProtoFile) -> str:
    lines = [LICENSE, 'syntax = "proto3";', "", f"package {f.package};", ""]
    lines += [f'import "{name}";' for name in sorted(f.imports)]
    if f.imports:
        lines.append("")
    lines += [f"option {name} = {value};" for name, value in f.options]
    for block in [_service(s) for s in f.services] + [_message(m, "") for m in f.messages] + [
        _enum(e, "") for e in f.enums
    ]:
        lines += [""] + block
    return "\n".join(lines) + "\n"


def count(files: Mapping[str, ProtoFile]) -> dict[str, int]:
    """Element counts, nested messages and enums included (map entries excluded)."""
    totals = dict.fromkeys(("files", "packages", "messages", "fields", "enums", "enum_values",
                            "services", "rpcs", "rpcs_with_http"), 0)

    def message(m: Message) -> None:
        totals["messages"] += 1
        totals["fields"] += sum(1 for _ in m.all_fields())
        for e in m.enums:
            enum(e)
        for n in m.messages:
            message(n)

    def enum(e: Enum) -> None:
        totals["enums"] += 1
        totals["enum_values"] += len(e.values)

    for f in files.values():
        totals["files"] += 1
        for m in f.messages:
            message(m)
        for e in f.enums:
            enum(e)
        for s in f.services:
            totals["services"] += 1
            totals["rpcs"] += len(s.methods)
            totals["rpcs_with_http"] += sum(1 for m in s.methods if m.http)
    totals["packages"] = len({f.package for f in files.values()})
    return totals
