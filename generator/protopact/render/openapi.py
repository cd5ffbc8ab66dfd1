"""The ``openapi`` target: OpenAPI 3.1, one JSON Schema per message and the route table.

Everything is built as data from the HTTP-binding model (:func:`protopact.schema.http.http_routes`),
the same one the gateway serves, then dumped: ``openapi.yaml`` by :func:`.dumps.yaml_text`,
``routes.json`` and ``schemas/<full.Name>.json`` as indented JSON. The output is deterministic: paths
and component schemas sorted by name, operations and properties in declaration order.

Each binding is one operation: path parameters for the template's variables, query parameters for
the request fields neither the path nor the body binds (dotted JSON names for nested fields), the
body (the whole request for ``body: "*"``), the success response (201 creating POST, 204 empty, 200
otherwise; server streams as ``text/event-stream`` or ``application/x-ndjson``), the shared error
responses as ``google.rpc.Status`` (429 with ``Retry-After``), the bearer security scheme, the
method's deprecation and its comments. Request and response schemas are apart
(:mod:`.openapi_schemas`). A binding whose verb and path an earlier one already holds is
not served by the gateway either; it is listed under the winner's ``x-shadowed``. Operation ids and
tags are qualified with the package only where the short form would repeat.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor, ServiceDescriptor
from google.rpc import status_pb2

from ..compile.image import Image
from ..config.settings import Settings
from ..schema.http import (
    DEEP_WILDCARD,
    DEFAULT_SETTINGS,
    PATH_MESSAGES,
    WILDCARD,
    HttpRoute,
    HttpSettings,
    PathTemplate,
    Variable,
    field_at,
    http_routes,
)
from ..schema.options import field_behaviors
from ..schema.validation import field_rules
from .anyschema import payload_types
from .constraints import container_keywords, merge, value_keywords
from .docs_conventions import Notes
from .dumps import yaml_text
from .jsonschema import (
    REQUIRED,
    Form,
    Schema,
    descriptions,
    dump_json,
    field_schema,
    is_inlined,
    is_map,
    render_json_schemas,
    required_names,
    set_keywords,
    target_messages,
    value_schema,
)
from .openapi_schemas import Components
from .targets import renderer
from .wellknown import WRAPPERS

OPENAPI_VERSION = "3.1.0"
_PARAMETER = re.compile(r"\{([^}]*)\}")
_NOT_NAME = re.compile(r"\W")
_OPERATION_KEYS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_STATUS = status_pb2.Status.DESCRIPTOR.full_name
# Query parameters reach this deep into nested messages; deeper fields are only set by a body.
_MAX_QUERY_DEPTH = 3
_ERRORS: Mapping[str, str] = {
    "400": "The request is invalid; the details name the field. Do not retry unchanged.",
    "401": "The bearer token is missing or invalid.",
    "403": "The caller may not do this.",
    "404": "The resource does not exist.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
    "default": "An error, as a google.rpc.Status.",
}


def _ref(name: str) -> str:
    return f"#/components/schemas/{name}"


@renderer("openapi", subdirectory="openapi")
def render_openapi(image: Image, settings: Settings) -> dict[str, bytes]:
    """``openapi.yaml``, ``routes.json`` and ``schemas/*.json`` for ``image``."""
    http = HttpSettings(default_bindings=settings.default_bindings)
    routes = http_routes(image, settings=http)
    texts = descriptions(image)
    document = build_openapi(image, routes, title=settings.name, version=settings.version,
                             description=settings.description, http=http, texts=texts,
                             conventions=settings.conventions)
    return {"openapi.yaml": yaml_text(document).encode(),
            "routes.json": dump_json(route_table(routes)),
            **render_json_schemas(image, roots=route_messages(routes), texts=texts)}


def route_table(routes: tuple[HttpRoute, ...]) -> list[dict[str, Any]]:
    """The binding table: which HTTP route reaches which RPC, and how."""
    ids = operation_ids(routes)
    return [{"operationId": ids[r], "rpc": r.method.full_name, "grpcPath": r.grpc_path,
             "verb": r.binding.verb, "path": r.binding.path, "body": r.binding.body,
             "responseBody": r.binding.response_body, "additional": r.binding.is_additional,
             "index": r.binding.index, "serverStreaming": r.server_streaming,
             "successStatus": r.success_status()} for r in routes]


def build_openapi(image: Image, routes: tuple[HttpRoute, ...] | None = None, *, title: str,
                  version: str, description: str = "",
                  http: HttpSettings = DEFAULT_SETTINGS,
                  texts: Mapping[str, str] | None = None,
                  conventions: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    """The OpenAPI document; ``texts`` are :func:`descriptions` of ``image`` when already made;
    ``conventions`` names the types of each convention as ``[tool.protopact.conventions]`` does.
    An operation's description ends with the documentation's notes on the conventions its RPC
    follows (how to page through a list, how to acknowledge a stream's events)."""
    routes = http_routes(image, settings=http) if routes is None else routes
    texts = descriptions(image) if texts is None else texts
    ids = operation_ids(routes)
    services = sorted({r.method.containing_service for r in routes}, key=lambda s: s.full_name)
    tags = tag_names(services)
    components = Components(routes, target_messages(image), texts, payload_types(image, routes))
    notes = Notes(image, conventions, links=False)
    paths: dict[str, dict[str, Any]] = {}
    shapes: dict[str, str] = {}
    for route in routes:
        verb = route.binding.verb.lower()
        if verb not in _OPERATION_KEYS:
            continue  # a custom verb has no OpenAPI operation; the gateway still serves it
        path = openapi_path(route.binding.path_template)
        # OpenAPI holds paths that differ only in parameter names to be the same path
        # (googleapis: "/v1/{name}:iapSettings" and "/v1/{iap_settings.name}:iapSettings"), so the
        # first spelling is kept and later routes of that shape use its names.
        path = shapes.setdefault(_PARAMETER.sub("{}", path), path)
        item = paths.setdefault(path, {})
        if verb in item:
            # Real trees bind one route twice (googleapis: services of one package, or of
            # different hosts, share a URL). The gateway serves the first declared, so the
            # document describes that one and names the bindings it hides.
            item[verb].setdefault("x-shadowed", []).append(
                {"operationId": ids[route], "rpc": route.method.full_name,
                 "path": route.binding.path})
            continue
        item[verb] = _operation(route, ids[route], tags[route.method.containing_service],
                                notes.method_notes(route.method),
                                _PARAMETER.findall(path), texts, components,
                                issued=notes.issued(route.method))
    info: dict[str, Any] = {"title": title, "version": version}
    if description:
        info["description"] = description
    return {
        "openapi": OPENAPI_VERSION,
        "info": info,
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "security": [{"bearerAuth": []}],
        "tags": [_tag(tags[s], texts.get(s.full_name, "")) for s in services],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": components.schemas(),
            "responses": {_error_name(code): _error_response(code, text)
                          for code, text in _ERRORS.items()},
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


def route_messages(routes: tuple[HttpRoute, ...]) -> list[Descriptor]:
    """Request and response types of the routes. ``target_messages`` leaves out ``google.*``
    files as vendored, but in a tree like googleapis they are the API, and every ``$ref`` an
    operation makes must resolve."""
    return [m for r in routes for m in (r.method.input_type, r.method.output_type)]


def operation_ids(routes: tuple[HttpRoute, ...]) -> dict[HttpRoute, str]:
    """``Service_Method`` ids, qualified with the package where that short id would repeat
    (OpenAPI wants them unique; googleapis has one ``EndpointService`` per version)."""
    count: dict[str, int] = {}
    for route in routes:
        count[route.operation_id] = count.get(route.operation_id, 0) + 1
    out = {}
    for route in routes:
        package = route.method.containing_service.file.package
        out[route] = (route.operation_id if count[route.operation_id] == 1 or not package
                      else f"{package.replace('.', '_')}_{route.operation_id}")
    return out


@dataclass(frozen=True)
class _PathParameter:
    name: str
    variable: Variable
    whole: bool  # the parameter is the whole field, not one segment of a pattern


def _path_layout(template: PathTemplate) -> tuple[list[str], list[_PathParameter]]:
    """Path parts and parameters. A variable with a pattern (``{name=projects/*/docs/*}``) expands
    into its literals and one parameter per wildcard, so that two routes that differ only inside a
    pattern stay distinct. A parameter is named after its field and the literal before it
    (``name_projects``, ``name_docs``): a word guessed singular would misname many
    (``shelves``)."""
    parts: list[str] = []
    parameters: list[_PathParameter] = []
    taken: set[str] = set()

    def add(name: str, variable: Variable, whole: bool) -> None:
        unique, n = name, 2
        while unique in taken:
            unique, n = f"{name}{n}", n + 1
        taken.add(unique)
        parameters.append(_PathParameter(unique, variable, whole))
        parts.append("{" + unique + "}")

    for segment in template.segments:
        if not isinstance(segment, Variable):
            parts.append(segment)
        elif segment.segments in ((WILDCARD,), (DEEP_WILDCARD,)):
            add(segment.field, segment, True)
        else:
            field, previous = segment.field_path[-1], ""
            for piece in segment.segments:
                if piece in (WILDCARD, DEEP_WILDCARD):
                    add(f"{field}_{previous}" if previous else field, segment, False)
                else:
                    parts.append(piece)
                    previous = _NOT_NAME.sub("_", piece)
    return parts, parameters


def openapi_path(template: PathTemplate) -> str:
    """The OpenAPI form of a template: ``{dotted.field}`` for plain variables, patterns expanded."""
    parts, _ = _path_layout(template)
    return "/" + "/".join(parts) + (":" + template.verb if template.verb else "")


def _first_sentence(text: str) -> str:
    paragraph = " ".join(text.split("\n\n")[0].split())
    head, dot, _ = paragraph.partition(". ")
    return head + dot.strip()


def tag_names(services: list[ServiceDescriptor]) -> dict[ServiceDescriptor, str]:
    """Each service's name, or its full name when another service shares the name (tags must be
    unique)."""
    count: dict[str, int] = {}
    for service in services:
        count[service.name] = count.get(service.name, 0) + 1
    return {s: s.full_name if count[s.name] > 1 else s.name for s in services}


def _tag(name: str, text: str) -> dict[str, str]:
    return {"name": name, "description": text} if text else {"name": name}


def _operation(route: HttpRoute, operation_id: str, tag: str, notes: tuple[str, ...],
               path_names: list[str], texts: Mapping[str, str],
               components: Components, *, issued: frozenset[str] = frozenset()
               ) -> dict[str, Any]:
    """``issued``: the request fields (dotted) that take only what a response gave, marked
    ``x-server-issued``."""
    method, binding = route.method, route.binding
    text = texts.get(method.full_name, "")
    operation: dict[str, Any] = {"operationId": operation_id, "tags": [tag]}
    if text:
        operation["summary"] = _first_sentence(text)
    if text or notes:
        operation["description"] = "\n\n".join((text, *notes) if text else notes)
    parameters = [*_path_parameters(route, path_names, texts),
                  *_query_parameters(route, texts, issued)]
    if parameters:
        operation["parameters"] = parameters
    if binding.body:
        operation["requestBody"] = _request_body(route, components)
    operation["responses"] = {str(route.success_status()): _success(route, components),
                              **{code: {"$ref": f"#/components/responses/{_error_name(code)}"}
                                 for code in _ERRORS}}
    # a deprecated service deprecates every method it holds
    if method.GetOptions().deprecated or method.containing_service.GetOptions().deprecated:
        operation["deprecated"] = True
    return operation


def _request_body(route: HttpRoute, components: Components) -> dict[str, Any]:
    """The whole request for ``body: "*"`` (without what the path binds), else the named field; a
    partial update's resource in its update form. Required where an empty body is refused: when
    the body holds a field the request must set."""
    request, body = route.method.input_type, route.binding.body
    form = Form.REQUEST if route.partial_update() is None else Form.UPDATE
    bound = [v.field_path for v in route.binding.path_template.variables]
    if body == "*":
        schema = components.body(request, bound, form)
        required = bool(required_names(request, form) - {path[0] for path in bound})
    else:
        field = request.fields_by_name[body]
        required = body in required_names(request, Form.REQUEST)
        if form is Form.UPDATE:
            assert field.message_type is not None  # a partial update's resource is a message
            schema = components.message(field.message_type, Form.UPDATE)
            schema = schema if required else {"anyOf": [schema, {"type": "null"}]}
        else:
            schema = field_schema(field, components.ref, form=Form.REQUEST,
                                  set_when_sent=required)
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _success(route: HttpRoute, components: Components) -> dict[str, Any]:
    status = route.success_status()
    if status == 204:
        return {"description": "Done; the response is empty."}
    output = route.method.output_type
    name = route.binding.response_body
    schema = (field_schema(output.fields_by_name[name], components.ref, form=Form.RESPONSE) if name
              else components.message(output, Form.RESPONSE))
    if route.server_streaming:
        return {"description": "A stream of messages, by Accept: newline-delimited JSON, one "
                               "message a line, or Server-Sent Events, one message a `data:` "
                               "event (its ack id as the event's `id`). A stream that fails after "
                               "it began ends with the error: a last line `{\"error\": Status}`, "
                               "or an `event: error` whose data is the Status.",
                "content": {"text/event-stream": {"schema": {"type": "string"}},
                            "application/x-ndjson": {"schema": _stream_line(schema)}}}
    return {"description": "Created." if status == 201 else "OK.",
            "content": {"application/json": {"schema": schema}}}


def _stream_line(message: Schema) -> Schema:
    """One line of an NDJSON stream: a message, or the error line that ends a failed stream."""
    error = {"type": "object", "properties": {"error": {"$ref": _ref(_STATUS)}},
             "required": ["error"], "additionalProperties": False}
    return {"anyOf": [message, error]}


def _path_parameters(route: HttpRoute, names: list[str],
                     texts: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    """``names`` are the names the operation's path spells its parameters with, in order."""
    for name, parameter in zip(names, _path_layout(route.binding.path_template)[1], strict=True):
        field = field_at(route.method.input_type, parameter.variable.field_path)
        if parameter.whole:
            text = texts.get(field.full_name, "")
            if name != parameter.name:
                text = f"Sets `{parameter.variable.field}`." + (" " + text if text else "")
            yield _parameter(name, "path", _parameter_schema(field), text)
        else:
            yield _parameter(name, "path", {"type": "string"},
                             f"One segment of `{parameter.variable.field}`, which has the form "
                             f"`{'/'.join(parameter.variable.segments)}`.")


def _query_parameters(route: HttpRoute, texts: Mapping[str, str],
                      issued: frozenset[str]) -> Iterator[dict[str, Any]]:
    binding = route.binding
    if binding.body == "*":
        return
    bound = {v.field for v in binding.path_template.variables}
    skip = {binding.body} if binding.body else set()
    update = route.partial_update()
    for field, proto_path, json_path in _query_fields(route.method.input_type, (), (), ()):
        if proto_path[0] in skip or ".".join(proto_path) in bound:
            continue
        text = texts.get(field.full_name, "")
        if update is not None and field == update.mask:
            text += ("\n\n" if text else "") + ("Each REQUIRED field of the resource it names "
                                                "must be set in the body: the update would clear it.")
        must = _must_send(route.method.input_type, proto_path)
        schema = _parameter_schema(field)
        parameter = _parameter(".".join(json_path), "query",
                               merge(schema, set_keywords(field)) if must else schema, text,
                               required=must)
        if ".".join(proto_path) in issued:
            parameter["x-server-issued"] = True
        if update is not None and field == update.mask and update.resource:
            resource = route.method.input_type.fields_by_name[update.resource].message_type
            assert resource is not None  # a partial update's resource is a message
            named = list(_required_paths(resource))
            if named:
                # no schema ties one parameter to another: the paths whose naming requires them in
                # the body, for a tool to read
                parameter["x-required-when-named"] = named
        yield parameter


def _required_paths(message: Descriptor, prefix: str = "",
                    seen: frozenset[str] = frozenset()) -> Iterator[str]:
    """The mask paths (JSON names) of the REQUIRED fields of ``message``, through singular
    message fields, each type once along a path."""
    seen |= {message.full_name}
    for field in message.fields:
        path = prefix + field.json_name
        if REQUIRED in field_behaviors(field):
            yield path
        nested = field.message_type
        if (nested is not None and not field.is_repeated and not is_inlined(nested)
                and nested.full_name not in seen):
            yield from _required_paths(nested, path + ".", seen)


def _must_send(request: Descriptor, proto_path: tuple[str, ...]) -> bool:
    """Whether a query parameter must be sent: its field, and each message field on its way, is
    one the request must set."""
    message: Descriptor | None = request
    for name in proto_path:
        if message is None or name not in required_names(message, Form.REQUEST):
            return False
        message = message.fields_by_name[name].message_type
    return True


def _query_fields(message: Descriptor, proto_path: tuple[str, ...], json_path: tuple[str, ...],
                  seen: tuple[str, ...]) -> Iterator[tuple[FieldDescriptor, tuple[str, ...],
                                                          tuple[str, ...]]]:
    """Fields settable from a query string: scalars, repeated scalars and string-form messages."""
    for field in message.fields:
        here, json_here = (*proto_path, field.name), (*json_path, field.json_name)
        nested = field.message_type
        if nested is None or nested.full_name in PATH_MESSAGES and not is_map(field):
            yield field, here, json_here
        elif (not field.is_repeated and not is_inlined(nested) and nested.full_name not in seen
              and len(here) < _MAX_QUERY_DEPTH):
            yield from _query_fields(nested, here, json_here, (*seen, message.full_name))


def _parameter_schema(field: FieldDescriptor) -> Schema:
    """A URL parameter's schema, with the field's rules: a wrapper is its bare value, never
    ``null``."""
    single = field
    if field.message_type is not None and field.message_type.full_name in WRAPPERS:
        single = field.message_type.fields_by_name["value"]
    # URL values are scalars or well-known types in their string form: nothing to refer to
    schema = value_schema(single, lambda name, _form: _ref(name), Form.REQUEST)
    rules = field_rules(field)
    if not field.is_repeated:
        return merge(schema, value_keywords(single, rules))
    keywords, item_rules, _ = container_keywords(rules)
    return {"type": "array", "items": merge(schema, value_keywords(single, item_rules)),
            **keywords}


def _parameter(name: str, where: str, schema: Schema, text: str, *,
               required: bool = False) -> dict[str, Any]:
    parameter: dict[str, Any] = {"name": name, "in": where,
                                 "required": where == "path" or required, "schema": schema}
    if text:
        parameter["description"] = text
    return parameter


def _error_name(code: str) -> str:
    return "Error" if code == "default" else f"Error{code}"


def _error_response(code: str, text: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": text,
        "content": {"application/json": {"schema": {"$ref": _ref(_STATUS)}}}}
    if code == "429":
        response["headers"] = {"Retry-After": {
            "description": "Seconds to wait before retrying.",
            "schema": {"type": "integer", "minimum": 1}}}
    return response
