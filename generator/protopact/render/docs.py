"""The documentation view model: one frozen, serialisable description of an Image's target files.

Every template (built in or passed with ``--templates``) sees the same :class:`Site`, and ``docs.json``
is that model as JSON (``dataclasses.asdict``), so what users read, what they template and what tools
consume never disagree. The model holds the raw text from the ``.proto`` (comments are Markdown
source, names are unescaped): escaping and sanitising belong to the renderers.

Ordering is deterministic: packages by name; inside a package, files by name and elements in
declaration order (nested messages and enums after their parent). Anchors are full names
(``protopact.v1.Pagination.Result``), stable across runs and identical in Markdown and HTML.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from google.api import annotations_pb2
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.descriptor_pool import DescriptorPool
from google.protobuf.message import Message as ProtoMessage

from ..compile.image import Image
from ..errors import ProtopactError
from ..forked import beside, worth_forking
from ..schema import walk
from ..schema.http import HttpSettings, bindings_for
from ..schema.options import CustomOptions
from ..schema.source import SourceIndex, Sources
from .docs_conventions import Notes
from .dumps import json_text
from .examples import example_json
from .rules_text import Said, field_said, message_said

FORMAT_VERSION = 1
_FieldProto = descriptor_pb2.FieldDescriptorProto
_SCALARS: dict[int, str] = {int(n): name[5:].lower() for name, n in _FieldProto.Type.items()}
_LABELS = {_FieldProto.LABEL_REPEATED: "repeated", _FieldProto.LABEL_REQUIRED: "required"}
# Only rules the contract declares are shown; the gateway's fallback route is its own business.
_DECLARED_ONLY = HttpSettings(default_bindings=False)
# Every nested message has its own example on the site, so examples stop a few levels down.
_EXAMPLE_DEPTH = 3
_UNSTABLE_VERSION = re.compile(r"^v\d+(alpha|beta|test)\w*$|^v0$")


@dataclass(frozen=True)
class Comment:
    """Comments attached to an element, as Markdown source; ``summary`` is its first sentence."""

    detached: tuple[str, ...]
    leading: str
    trailing: str
    summary: str


@dataclass(frozen=True)
class TypeRef:
    """A field's or method's type. ``page`` is "" when the type is not documented on this site."""

    name: str  # as shown: a scalar, or the full name (relative within the same package)
    full_name: str  # "" for scalars
    page: str
    anchor: str


@dataclass(frozen=True)
class Field:
    number: int
    name: str
    json_name: str
    type: TypeRef  # for a map, the value type
    map_key: str  # the key's scalar type for a map field, else ""
    label: str  # "", "optional", "repeated", "required" or "map"
    oneof: str  # the oneof it belongs to ("" for none and for proto3 ``optional``)
    default: str  # a proto2 default value
    behaviours: tuple[str, ...]  # google.api.field_behavior, e.g. ("REQUIRED",)
    deprecated: bool
    comment: Comment
    notes: tuple[str, ...]  # convention-aware notes, Markdown
    rules: tuple[Said, ...] = ()  # buf.validate rules in words


@dataclass(frozen=True)
class Message:
    full_name: str
    name: str  # relative to the package, e.g. "Pagination.Result"
    anchor: str
    file: str
    comment: Comment
    fields: tuple[Field, ...]
    deprecated: bool
    stability: str
    example: str  # ProtoJSON, indented
    notes: tuple[str, ...]
    rules: tuple[Said, ...] = ()  # buf.validate rules of the whole message, in words


@dataclass(frozen=True)
class EnumValue:
    name: str
    number: int
    deprecated: bool
    comment: Comment


@dataclass(frozen=True)
class Enum:
    full_name: str
    name: str
    anchor: str
    file: str
    comment: Comment
    values: tuple[EnumValue, ...]
    deprecated: bool


@dataclass(frozen=True)
class Binding:
    verb: str
    path: str
    body: str  # "" none, "*" the whole request, else a request field
    response_body: str


@dataclass(frozen=True)
class Method:
    name: str
    full_name: str
    anchor: str
    comment: Comment
    request: TypeRef
    response: TypeRef
    client_streaming: bool
    server_streaming: bool
    kind: str  # "unary", "server stream", "client stream" or "bidirectional stream"
    bindings: tuple[Binding, ...]
    deprecated: bool
    stability: str  # the method's own, else its service's, else its package's
    notes: tuple[str, ...]
    stream_example: str  # two consecutive responses of a server stream, else ""


@dataclass(frozen=True)
class Service:
    full_name: str
    name: str
    anchor: str
    file: str
    comment: Comment
    methods: tuple[Method, ...]
    deprecated: bool
    stability: str


@dataclass(frozen=True)
class File:
    name: str
    comment: Comment  # the comments above ``syntax``: the file's overview


@dataclass(frozen=True)
class Package:
    name: str
    page: str  # file name of the package's page, without extension
    comment: Comment  # the comment on the ``package`` statement
    stability: str  # from the version suffix: "stable" (v1, v2…), "unstable" (v0, v1beta1…) or ""
    files: tuple[File, ...]
    services: tuple[Service, ...]
    messages: tuple[Message, ...]
    enums: tuple[Enum, ...]


@dataclass(frozen=True)
class Site:
    title: str
    description: str
    packages: tuple[Package, ...]
    format_version: int = FORMAT_VERSION


def site_json(site: Site) -> bytes:
    """``docs.json``: the view model, byte-identical for the same Site, one package per line.

    Compact JSON keeps the C encoder (``indent`` would switch to the pure-Python one, which takes
    seconds on a large tree); a line per package keeps diffs local. Dataclasses encode as their
    fields in declaration order, tuples as lists.
    """
    head = json.dumps({k: v for k, v in vars(site).items() if k != "packages"}, **_COMPACT)
    lines = ",\n".join(json.dumps(p, **_COMPACT) for p in site.packages)
    return f'{head[:-1]},"packages":[\n{lines}\n]}}\n'.encode()


_COMPACT: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":"), "default": vars}


def build_site(image: Image, *, title: str, description: str = "", jobs: int | None = None,
               conventions: Mapping[str, tuple[str, ...]] | None = None) -> Site:
    """The view model of ``image``'s target files; ``conventions`` names the types of each kind of
    convention as ``[tool.protopact.conventions]`` does.

    With ``jobs`` > 1 (by default on a large tree, where fork is worth it, see :mod:`.forked`) a
    forked process builds about half of the packages; the model is the same.
    """
    builder = _Builder(image, conventions)
    by_package: dict[str, list[descriptor_pb2.FileDescriptorProto]] = {}
    for file in sorted(image.target_files(), key=lambda f: f.name):
        by_package.setdefault(file.package, []).append(file)
    fork = jobs > 1 if jobs is not None else worth_forking(
        sum(len(files) for files in by_package.values()), _PARALLEL_FILES)
    if fork:
        packages = _build_in_two(builder, by_package)
    else:
        packages = {name: builder.package(name, files) for name, files in by_package.items()}
    return Site(title, description, tuple(packages[name] for name in sorted(packages)))


# Below this size a worker process costs more than it saves.
_PARALLEL_FILES = 400


def _build_in_two(builder: _Builder, by_package: dict[str, list[descriptor_pb2.FileDescriptorProto]]
                  ) -> dict[str, Package]:
    # Balanced by serialized size, a fair proxy for the work; only the built packages (cheap to
    # pickle) come back from the worker.
    ours: list[str] = []
    theirs: list[str] = []
    load = [0, 0]
    sizes = {name: sum(f.ByteSize() for f in files) for name, files in by_package.items()}
    for name in sorted(sizes, key=lambda n: (-sizes[n], n)):
        side = 0 if load[0] <= load[1] else 1
        (ours, theirs)[side].append(name)
        load[side] += sizes[name]
    with beside(lambda: [builder.package(name, by_package[name]) for name in theirs],
                fork=True) as built:
        packages = {name: builder.package(name, by_package[name]) for name in ours}
        packages.update(zip(theirs, built()))
    return packages


def page_of(package: str) -> str:
    # "index" is the site's own front page.
    return "index-package" if package == "index" else (package or "default-package")


def comment_of(index: SourceIndex, path: tuple[int, ...]) -> Comment:
    location = index.location(path)
    if location is None:
        return Comment((), "", "", "")
    detached = tuple(t for t in (_clean(c) for c in location.leading_detached_comments) if t)
    leading, trailing = _clean(location.leading_comments), _clean(location.trailing_comments)
    return Comment(detached, leading, trailing, _summary(leading or trailing))


def _clean(text: str) -> str:
    if not text:
        return text
    lines = text.split("\n")
    # protoc keeps the space after "//" on every line.
    if all(line.startswith(" ") or not line for line in lines):
        lines = [line[1:] for line in lines]
    if any(line[:1].isspace() for line in lines if line.strip()):
        return textwrap.dedent("\n".join(lines)).strip()
    return "\n".join(lines).strip()


def _summary(text: str) -> str:
    paragraph = " ".join(text.split("\n\n", 1)[0].split())
    match = re.match(r"(.+?[.!?])(\s|$)", paragraph)
    return match.group(1) if match else paragraph


class _Builder:
    """Turns descriptors into view-model elements; holds the per-Image lookups."""

    def __init__(self, image: Image, conventions: Mapping[str, tuple[str, ...]] | None = None
                 ) -> None:
        self.image = image
        self.notes = Notes(image, conventions)
        self.pool: DescriptorPool = image.pool
        self.sources = Sources(image.files)
        self.package_of_type: dict[str, str] = {}
        for file in image.target_files():
            for m in walk.messages(file):
                self.package_of_type[m.full_name] = file.package
            for e in walk.enums(file):
                self.package_of_type[e.full_name] = file.package
        self._custom_options = CustomOptions(image.pool)

    def package(self, name: str, files: list[descriptor_pb2.FileDescriptorProto]) -> Package:
        comments = [comment_of(self.sources[f.name], walk.FILE_PACKAGE) for f in files]
        comment = next((c for c in comments if c.leading), comments[0])
        stability = self._package_stability(name)
        services, messages, enums = [], [], []
        for f in files:
            index = self.sources[f.name]
            services += [self.service(s, f, index, stability) for s in walk.services(f)]
            messages += [self.message(m, f, index) for m in walk.messages(f)
                         if not m.message.options.map_entry]
            enums += [self.enum(e, f, index) for e in walk.enums(f)]
        file_docs = tuple(File(f.name,
                               self._file_comment(self.sources[f.name])) for f in files)
        return Package(name, page_of(name), comment, stability, file_docs, tuple(services),
                       tuple(messages), tuple(enums))

    def _file_comment(self, index: SourceIndex) -> Comment:
        syntax = comment_of(index, walk.FILE_SYNTAX)
        if syntax.detached or syntax.leading:
            return syntax
        return comment_of(index, walk.FILE_EDITION)

    def message(self, at: walk.MessageAt, file: descriptor_pb2.FileDescriptorProto,
                index: SourceIndex) -> Message:
        descriptor = self.pool.FindMessageTypeByName(at.full_name)
        fields = tuple(self.field(f, descriptor, file.package, index) for f in walk.fields(at))
        example = json_text(example_json(descriptor, max_depth=_EXAMPLE_DEPTH))
        return Message(at.full_name, _relative(at.full_name, file.package), at.full_name,
                       file.name, comment_of(index, at.path), fields,
                       at.message.options.deprecated,
                       self._stability(at.message.options, "protopact.v1.message_stability"),
                       example, self.notes.message_notes(descriptor), message_said(descriptor))

    def field(self, at: walk.FieldAt, message: Descriptor, package: str,
              index: SourceIndex) -> Field:
        proto = at.field
        live = message.fields_by_name[proto.name]
        map_key, value = "", live
        label = _LABELS.get(proto.label, "optional" if proto.proto3_optional else "")
        if live.message_type is not None and live.message_type.GetOptions().map_entry:
            label = "map"
            map_key = _SCALARS[live.message_type.fields_by_name["key"].type]
            value = live.message_type.fields_by_name["value"]
        oneof = ""
        if proto.HasField("oneof_index") and not proto.proto3_optional:
            oneof = at.message.message.oneof_decl[proto.oneof_index].name
        return Field(proto.number, proto.name, proto.json_name or live.json_name,
                     self.type_ref(value, package), map_key, label, oneof, proto.default_value,
                     self._option_names(proto.options, "google.api.field_behavior"),
                     proto.options.deprecated, comment_of(index, at.path),
                     self.notes.field_notes(live), field_said(live))

    def type_ref(self, field: FieldDescriptor, package: str) -> TypeRef:
        target = field.message_type or field.enum_type
        if target is None:
            return TypeRef(_SCALARS[field.type], "", "", "")
        return self.named_ref(target.full_name, package)

    def named_ref(self, full_name: str, package: str) -> TypeRef:
        owner = self.package_of_type.get(full_name)
        if owner is None:
            return TypeRef(full_name, full_name, "", "")
        return TypeRef(_relative(full_name, package), full_name, page_of(owner), full_name)

    def enum(self, at: walk.EnumAt, file: descriptor_pb2.FileDescriptorProto,
             index: SourceIndex) -> Enum:
        values = tuple(EnumValue(v.value.name, v.value.number, v.value.options.deprecated,
                                 comment_of(index, v.path)) for v in walk.enum_values(at))
        return Enum(at.full_name, _relative(at.full_name, file.package), at.full_name,
                    file.name, comment_of(index, at.path), values,
                    at.enum.options.deprecated)

    def service(self, at: walk.ServiceAt, file: descriptor_pb2.FileDescriptorProto,
                index: SourceIndex, package_stability: str) -> Service:
        own = self._stability(at.service.options, "protopact.v1.service_stability")
        live = self.pool.FindServiceByName(at.full_name)
        methods = tuple(self.method(m, live, file.package, index, own or package_stability)
                        for m in walk.methods(at))
        return Service(at.full_name, at.service.name, at.full_name, file.name,
                       comment_of(index, at.path), methods, at.service.options.deprecated,
                       own or package_stability)

    def method(self, at: walk.MethodAt, service: Any, package: str, index: SourceIndex,
               inherited: str) -> Method:
        proto = at.method
        live = service.methods_by_name[proto.name]
        bindings = _bindings(service.full_name, live)
        kind = {(False, False): "unary", (False, True): "server stream",
                (True, False): "client stream", (True, True): "bidirectional stream"}[
            (proto.client_streaming, proto.server_streaming)]
        stream_example = ""
        if proto.server_streaming:
            stream_example = "\n".join(
                json.dumps(example_json(live.output_type, index=i, max_depth=_EXAMPLE_DEPTH),
                           ensure_ascii=False) for i in range(2))
        return Method(proto.name, at.full_name, at.full_name, comment_of(index, at.path),
                      self.named_ref(live.input_type.full_name, package),
                      self.named_ref(live.output_type.full_name, package),
                      proto.client_streaming, proto.server_streaming, kind, bindings,
                      proto.options.deprecated,
                      self._stability(proto.options, "protopact.v1.method_stability") or inherited,
                      self.notes.method_notes(live), stream_example)

    def _package_stability(self, package: str) -> str:
        version = package.rsplit(".", 1)[-1]
        if _UNSTABLE_VERSION.match(version):
            return "unstable"
        return "stable" if re.fullmatch(r"v\d+", version) else ""

    def _stability(self, options: ProtoMessage, extension: str) -> str:
        names = self._option_names(options, extension)
        return names[0].removeprefix("STABILITY_").lower() if names else ""

    def _option_names(self, options: ProtoMessage, extension: str) -> tuple[str, ...]:
        return self._custom_options.enum_names(options, extension)


def _bindings(service: str, method: Any) -> tuple[Binding, ...]:
    try:
        return tuple(Binding(b.verb, b.path, b.body, b.response_body)
                     for b in bindings_for(service, method, settings=_DECLARED_ONLY))
    except ProtopactError:
        # The gateway refuses a rule it cannot route (e.g. "**" mid-path, as googleapis has), but
        # documentation is still owed: show the rules as declared rather than fail the whole site.
        rule = method.GetOptions().Extensions[annotations_pb2.http]
        shown = []
        for r in (rule, *rule.additional_bindings):
            pattern = r.WhichOneof("pattern")
            if pattern == "custom":
                shown.append(Binding(r.custom.kind.upper(), r.custom.path, r.body, r.response_body))
            elif pattern is not None:
                shown.append(Binding(pattern.upper(), getattr(r, pattern), r.body, r.response_body))
        return tuple(shown)


def _relative(full_name: str, package: str) -> str:
    return full_name[len(package) + 1:] if package and full_name.startswith(package + ".") else full_name
