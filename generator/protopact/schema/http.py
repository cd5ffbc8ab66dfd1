"""The HTTP-binding model: ``google.api.http`` rules → :class:`Binding` s with parsed path templates.

One model serves the OpenAPI renderer, the routes table and the gateway, so they never disagree on
which URL reaches which RPC. A method without a rule gets the default binding
``POST /{package}.{Service}/{Method}`` with ``body: "*"`` (the Connect unary convention) unless
:class:`HttpSettings` turns that off. Bindings come in declaration order: the rule itself first
(``index`` 0), then its ``additional_bindings``.

Path templates follow the grammar of ``google/api/http.proto``::

    Template = "/" Segments [ Verb ] ;   Segment  = "*" | "**" | LITERAL | Variable ;
    Variable = "{" FieldPath [ "=" Segments ] "}" ;   Verb = ":" LITERAL ;

A parsed template prints back in canonical form (``{name=*}`` prints as ``{name}``), so
``PathTemplate.parse(str(t)) == t`` for every template.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor, descriptor_pb2

from ..compile.image import Image
from ..errors import ProtopactError

WILDCARD = "*"
DEEP_WILDCARD = "**"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Characters a literal segment may not hold: they delimit the grammar.
_RESERVED = frozenset("/{}=:*")


@dataclass(frozen=True)
class Variable:
    """``{field.path=segments}``: binds the matched segments to a (nested) request field."""

    field_path: tuple[str, ...]
    segments: tuple[str, ...] = (WILDCARD,)  # literals, "*" and "**"

    @property
    def field(self) -> str:
        return ".".join(self.field_path)

    def __str__(self) -> str:
        if self.segments == (WILDCARD,):
            return "{" + self.field + "}"
        return "{" + self.field + "=" + "/".join(self.segments) + "}"


Segment = str | Variable


@dataclass(frozen=True)
class PathTemplate:
    """A parsed path template: literal strings, ``"*"``, ``"**"`` and :class:`Variable` s."""

    segments: tuple[Segment, ...]
    verb: str = ""

    @classmethod
    def parse(cls, text: str) -> PathTemplate:
        """Parse ``text``; a malformed template raises :class:`ValueError` naming the problem."""
        return _Parser(text).template()

    @property
    def variables(self) -> tuple[Variable, ...]:
        return tuple(s for s in self.segments if isinstance(s, Variable))

    def flat_segments(self) -> Iterator[str]:
        """Every segment pattern in order, variables expanded into their own segments."""
        for segment in self.segments:
            yield from segment.segments if isinstance(segment, Variable) else (segment,)

    def __str__(self) -> str:
        path = "/" + "/".join(str(s) for s in self.segments)
        return path + (":" + self.verb if self.verb else "")


class _Parser:
    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def template(self) -> PathTemplate:
        self.expect("/")
        segments = self.segments(in_variable=False)
        verb = ""
        if self.peek() == ":":
            self.pos += 1
            verb = self.literal()
        if self.pos != len(self.text):
            self.fail(f"unexpected {self.text[self.pos]!r}")
        # http.proto says "**" ends the path, but googleapis puts literals after it
        # (".../dataStores/**}/suggestionDenyListEntries:purge"); one "**" still matches
        # unambiguously, two could split a path in more than one way.
        flat = list(PathTemplate(tuple(segments)).flat_segments())
        if flat.count(DEEP_WILDCARD) > 1:
            self.fail('"**" may appear only once')
        names = [v.field for v in segments if isinstance(v, Variable)]
        if len(names) != len(set(names)):
            self.fail("a field is bound twice")
        return PathTemplate(tuple(segments), verb)

    def segments(self, *, in_variable: bool) -> list[Segment]:
        out = [self.segment(in_variable)]
        while self.peek() == "/":
            self.pos += 1
            out.append(self.segment(in_variable))
        return out

    def segment(self, in_variable: bool) -> Segment:
        if self.text.startswith(DEEP_WILDCARD, self.pos):
            self.pos += 2
            return DEEP_WILDCARD
        if self.peek() == WILDCARD:
            self.pos += 1
            return WILDCARD
        if self.peek() == "{":
            if in_variable:
                self.fail("variables cannot nest")
            return self.variable()
        return self.literal()

    def variable(self) -> Variable:
        self.expect("{")
        path = [self.ident()]
        while self.peek() == ".":
            self.pos += 1
            path.append(self.ident())
        segments: tuple[str, ...] = (WILDCARD,)
        if self.peek() == "=":
            self.pos += 1
            segments = tuple(str(s) for s in self.segments(in_variable=True))
        self.expect("}")
        return Variable(tuple(path), segments)

    def ident(self) -> str:
        match = _IDENT.match(self.text, self.pos)
        if not match:
            self.fail("expected a field name")
        self.pos = match.end()
        return match.group()

    def literal(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _RESERVED:
            self.pos += 1
        if start == self.pos:
            self.fail("expected a path segment")
        return self.text[start:self.pos]

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            self.fail(f"expected {char!r}")
        self.pos += 1

    def fail(self, reason: str) -> NoReturn:
        raise ValueError(f'path template "{self.text}": {reason} at offset {self.pos}')


@dataclass(frozen=True)
class Binding:
    """One HTTP route to an RPC.

    ``verb`` is upper case (``GET``, ``POST``… or a custom rule's kind); ``body`` is ``""`` (no
    body), ``"*"`` (the whole request) or a top-level request field; ``response_body`` is ``""`` (the
    whole response) or a top-level response field; ``index`` counts from 0 in declaration order.
    """

    verb: str
    path_template: PathTemplate
    body: str
    response_body: str
    is_additional: bool
    index: int

    @property
    def path(self) -> str:
        return str(self.path_template)


@dataclass(frozen=True, kw_only=True)
class HttpSettings:
    """How methods without a ``google.api.http`` rule are exposed."""

    default_bindings: bool = True
    default_verb: str = "POST"


MethodLike = descriptor_pb2.MethodDescriptorProto | descriptor.MethodDescriptor
DEFAULT_SETTINGS = HttpSettings()


def bindings_for(service_full_name: str, method: MethodLike, package: str = "", *,
                 settings: HttpSettings = DEFAULT_SETTINGS) -> tuple[Binding, ...]:
    """The bindings of ``method``: its ``google.api.http`` rule, else the default binding.

    ``service_full_name`` is ``package.Service``; a bare ``Service`` is qualified with ``package``.
    A malformed rule raises :class:`ProtopactError` naming the method.
    """
    if package and not service_full_name.startswith(package + "."):
        service_full_name = f"{package}.{service_full_name}"
    options = method.GetOptions() if isinstance(method, descriptor.MethodDescriptor) else method.options
    where = f"{service_full_name}.{method.name}"
    if options.HasExtension(annotations_pb2.http):
        rule = options.Extensions[annotations_pb2.http]
        rules = [rule, *rule.additional_bindings]
        return tuple(_binding(r, i, where) for i, r in enumerate(rules))
    if not settings.default_bindings:
        return ()
    path = PathTemplate((f"{service_full_name}", method.name))
    return (Binding(settings.default_verb, path, "*", "", False, 0),)


def _binding(rule: http_pb2.HttpRule, index: int, where: str) -> Binding:
    pattern = rule.WhichOneof("pattern")
    if pattern is None:
        raise ProtopactError(f"{where}: google.api.http binding {index} has no HTTP verb and path")
    if pattern == "custom":
        verb, text = rule.custom.kind.upper(), rule.custom.path
    else:
        verb, text = pattern.upper(), getattr(rule, pattern)
    if index and rule.additional_bindings:
        raise ProtopactError(f"{where}: additional_bindings may not nest")
    try:
        template = PathTemplate.parse(text)
    except ValueError as exc:
        raise ProtopactError(f"{where}: {exc}") from None
    return Binding(verb, template, rule.body, rule.response_body, index > 0, index)


FIELD_MASK = "google.protobuf.FieldMask"


@dataclass(frozen=True)
class PartialUpdate:
    """How a route updates part of a resource: ``mask`` is the request's FieldMask field;
    ``resource`` the body field it is relative to, ``""`` when it is relative to the request."""

    mask: descriptor.FieldDescriptor
    resource: str


@dataclass(frozen=True)
class HttpRoute:
    """A binding together with the RPC it reaches (a live descriptor from the Image's pool)."""

    method: descriptor.MethodDescriptor
    binding: Binding

    @property
    def grpc_path(self) -> str:
        return f"/{self.method.containing_service.full_name}/{self.method.name}"

    @property
    def operation_id(self) -> str:
        base = f"{self.method.containing_service.name}_{self.method.name}"
        return f"{base}_{self.binding.index}" if self.binding.is_additional else base

    @property
    def server_streaming(self) -> bool:
        return bool(self.method.server_streaming)

    def response_type(self) -> descriptor.Descriptor | None:
        """The message type sent as the HTTP body; ``None`` when ``response_body`` is a scalar."""
        if not self.binding.response_body:
            return self.method.output_type
        field = self.method.output_type.fields_by_name[self.binding.response_body]
        return None if field.is_repeated else field.message_type

    def partial_update(self) -> PartialUpdate | None:
        """The partial update (AIP-134) this route makes, if any: a PATCH with a body whose request
        has one singular ``google.protobuf.FieldMask`` field. The mask is relative to the body
        field, or to the request itself for ``body: "*"``."""
        body = self.binding.body
        if self.binding.verb != "PATCH" or not body:
            return None
        request = self.method.input_type
        masks = [f for f in request.fields if not f.is_repeated and f.message_type is not None
                 and f.message_type.full_name == FIELD_MASK]
        if len(masks) != 1 or body == masks[0].name or (
                body != "*" and request.fields_by_name[body].message_type is None):
            return None
        return PartialUpdate(masks[0], "" if body == "*" else body)

    def success_status(self) -> int:
        """201 for a creating POST, 204 for an empty response, else 200 (REST conventions)."""
        response = self.response_type()
        if not self.server_streaming and response is not None and not response.fields:
            return 204
        if self.binding.verb == "POST" and self.method.name.startswith("Create"):
            return 201
        return 200


def http_routes(image: Image, *, settings: HttpSettings = DEFAULT_SETTINGS) -> tuple[HttpRoute, ...]:
    """Every binding of the target files' services, in declaration order, checked against types."""
    routes = []
    for file in image.target_files():
        for service_proto in file.service:
            service = image.pool.FindServiceByName(f"{file.package}.{service_proto.name}".lstrip("."))
            for method in service.methods:
                for binding in bindings_for(service.full_name, method, settings=settings):
                    _check_fields(method, binding)
                    routes.append(HttpRoute(method, binding))
    return tuple(routes)


def field_at(message: descriptor.Descriptor, path: tuple[str, ...]) -> descriptor.FieldDescriptor:
    """The field a dotted path names, through singular message fields; KeyError names the part."""
    field = None
    for i, name in enumerate(path):
        if field is not None:
            if field.message_type is None or field.is_repeated:
                raise KeyError(".".join(path[:i]))
            message = field.message_type
        field = message.fields_by_name.get(name)
        if field is None:
            raise KeyError(".".join(path[:i + 1]))
    assert field is not None
    return field


def _check_fields(method: descriptor.MethodDescriptor, binding: Binding) -> None:
    where = f"{method.full_name} ({binding.verb} {binding.path})"
    request, response = method.input_type, method.output_type
    checks = [(request, v.field_path, "path variable") for v in binding.path_template.variables]
    if binding.body not in ("", "*"):
        checks.append((request, (binding.body,), "body"))
    if binding.response_body:
        checks.append((response, (binding.response_body,), "response_body"))
    for message, path, what in checks:
        try:
            field = field_at(message, path)
        except KeyError as exc:
            raise ProtopactError(
                f'{where}: {what} "{".".join(path)}": {message.full_name} has no field "{exc.args[0]}"'
            ) from None
        if what == "path variable" and (field.is_repeated or (
                field.message_type is not None and field.message_type.full_name not in PATH_MESSAGES)):
            raise ProtopactError(f'{where}: path variable "{".".join(path)}" must be a singular scalar')


# Well-known messages whose JSON form is a single string, so they can be set from a URL.
PATH_MESSAGES = frozenset({"google.protobuf.Timestamp", "google.protobuf.Duration",
                           FIELD_MASK} | {
    f"google.protobuf.{name}Value" for name in (
        "Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes")})
