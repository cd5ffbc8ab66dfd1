"""Path templates at request time: compiled once into a regular expression, matched per request.

Matching works on the raw (still percent-encoded) path, so an encoded ``/`` stays inside its segment.
A single-segment variable is fully percent-decoded; a multi-segment one keeps ``%2F`` encoded, as
``google/api/http.proto`` specifies. ``*`` matches one segment, ``**`` one or more. :func:`expand`
is the inverse of matching: it encodes values so that they match back to themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

from ..schema.http import DEEP_WILDCARD, WILDCARD, PathTemplate, Variable

_SEGMENT = "[^/]+"
_SEGMENTS = "[^/]+(?:/[^/]+)*"
# Characters a literal segment keeps unencoded in a URL (RFC 3986 pchar minus ":", which ends a verb).
_LITERAL_SAFE = "-_.~!$&'()+,;@"


def _pattern(segment: str) -> str:
    if segment == WILDCARD:
        return _SEGMENT
    if segment == DEEP_WILDCARD:
        return _SEGMENTS
    return re.escape(quote(segment, safe=_LITERAL_SAFE))


@dataclass(frozen=True)
class CompiledTemplate:
    template: PathTemplate
    regex: re.Pattern[str]

    def match(self, raw_path: str) -> dict[str, str] | None:
        """Field path (dotted) → decoded value, or ``None`` when the path does not match."""
        found = self.regex.fullmatch(raw_path)
        if found is None:
            return None
        values = {}
        for i, variable in enumerate(self.template.variables):
            raw = found.group(f"v{i}")
            values[variable.field] = _decode(raw, multi_segment=_is_multi_segment(variable))
        return values

    @property
    def literal_count(self) -> int:
        """How specific the template is: more literal segments win over variables. Literals
        inside a variable's pattern count: ``{name=shelves/*}`` is as specific as ``shelves/*``."""
        return sum(1 for s in self.template.flat_segments() if s not in (WILDCARD, DEEP_WILDCARD))


def compile_template(template: PathTemplate) -> CompiledTemplate:
    parts, index = [], 0
    for segment in template.segments:
        if isinstance(segment, Variable):
            inner = "/".join(_pattern(s) for s in segment.segments)
            parts.append(f"(?P<v{index}>{inner})")
            index += 1
        else:
            parts.append(_pattern(segment))
    verb = ":" + re.escape(quote(template.verb, safe="")) if template.verb else ""
    return CompiledTemplate(template, re.compile("/" + "/".join(parts) + verb))


def expand(template: PathTemplate, values: Mapping[str, str]) -> str:
    """The path of ``template`` with each variable replaced by its percent-encoded value."""
    parts = []
    for segment in template.segments:
        if isinstance(segment, Variable):
            safe = "/" if _is_multi_segment(segment) else ""
            parts.append(quote(values[segment.field], safe=safe + "-_.~"))
        else:
            parts.append(quote(segment, safe=_LITERAL_SAFE))
    return "/" + "/".join(parts) + (":" + template.verb if template.verb else "")


def _is_multi_segment(variable: Variable) -> bool:
    return len(variable.segments) > 1 or DEEP_WILDCARD in variable.segments


def _decode(raw: str, *, multi_segment: bool) -> str:
    if not multi_segment:
        return unquote(raw)
    return "%2F".join(unquote(part) for part in re.split("%2[Ff]", raw))
