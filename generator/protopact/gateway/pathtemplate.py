"""Path templates at request time: compiled once into a regular expression, matched per request.

Matching works on the raw (still percent-encoded) path, so an encoded ``/`` stays inside its segment.
``*`` matches one segment, ``**`` zero or more. A template with a custom verb matches only a path
whose last segment ends in ``:verb``; one without a verb takes a trailing ``:text`` as part of its
last segment. Values are percent-decoded as ``google/api/http.proto`` specifies: fully for a
single-segment variable, and all but ``%2F``/``%2f`` (left exactly as sent) for a multi-segment one.
Bytes that do not decode as UTF-8 raise :class:`InvalidPath`. :func:`expand` is the inverse of
matching: it encodes values so that they match back to themselves.

:attr:`CompiledTemplate.rank` orders templates from most to least specific, whatever their
declaration order: a template with a custom verb first (its ``:verb`` is never taken as part of a
segment when it matches), then segment by segment a literal before ``*`` before ``**``, a shorter
template before a longer one that extends it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote_to_bytes

from ..schema.http import DEEP_WILDCARD, WILDCARD, PathTemplate, Variable

_SEGMENT = "/[^/]+"
_SEGMENTS = "(?:/[^/]+)*"
# Characters a literal segment keeps unencoded in a URL (RFC 3986 pchar minus ":", which ends a verb).
_LITERAL_SAFE = "-_.~!$&'()+,;@"
_ENCODED_SLASH = re.compile("(%2[Ff])")
_KIND = {WILDCARD: 1, DEEP_WILDCARD: 2}  # a literal is 0


class InvalidPath(ValueError):
    """A path or value whose percent-encoded bytes are not UTF-8."""


def _pattern(segment: str) -> str:
    if segment == WILDCARD:
        return _SEGMENT
    if segment == DEEP_WILDCARD:
        return _SEGMENTS
    return "/" + re.escape(quote(segment, safe=_LITERAL_SAFE))


@dataclass(frozen=True)
class CompiledTemplate:
    template: PathTemplate
    regex: re.Pattern[str]

    def match(self, raw_path: str) -> dict[str, str] | None:
        """Field path (dotted) → decoded value, or ``None`` when the path does not match."""
        found = self.fullmatch(raw_path)
        if found is None:
            return None
        values = {}
        for i, variable in enumerate(self.template.variables):
            raw = found.group(f"v{i}")[1:]  # without the "/" that starts it
            values[variable.field] = decode(raw, multi_segment=_is_multi_segment(variable))
        return values

    def fullmatch(self, raw_path: str) -> re.Match[str] | None:
        # "/" (or "/:verb") is the path of no segments, which only a "**" can match
        if raw_path == "/" or self.template.verb and raw_path == "/:" + self.template.verb:
            raw_path = raw_path[1:]
        return self.regex.fullmatch(raw_path)

    @property
    def rank(self) -> tuple[int, tuple[int, ...]]:
        """Sorts most specific first (see the module's docstring)."""
        kinds = tuple(_KIND.get(s, 0) for s in self.template.flat_segments())
        return (0 if self.template.verb else 1, kinds)


def compile_template(template: PathTemplate) -> CompiledTemplate:
    parts, index = [], 0
    for segment in template.segments:
        if isinstance(segment, Variable):
            inner = "".join(_pattern(s) for s in segment.segments)
            parts.append(f"(?P<v{index}>{inner})")
            index += 1
        else:
            parts.append(_pattern(segment))
    verb = ":" + re.escape(quote(template.verb, safe="")) if template.verb else ""
    return CompiledTemplate(template, re.compile("".join(parts) + verb))


def expand(template: PathTemplate, values: Mapping[str, str]) -> str:
    """The path of ``template`` with each variable replaced by its percent-encoded value."""
    parts = []
    for segment in template.segments:
        if isinstance(segment, Variable):
            safe = "/" if _is_multi_segment(segment) else ""
            parts.append(quote(values[segment.field], safe=safe + "-_.~"))
        else:
            parts.append(quote(segment, safe=_LITERAL_SAFE))
    path = "/" + "/".join(p for p in parts if p)  # a "**" variable may stand for no segment
    return path + (":" + template.verb if template.verb else "")


def _is_multi_segment(variable: Variable) -> bool:
    return len(variable.segments) > 1 or DEEP_WILDCARD in variable.segments


def decode(raw: str, *, multi_segment: bool = False) -> str:
    """``raw`` percent-decoded as UTF-8; a multi-segment value keeps ``%2F``/``%2f`` as sent."""
    pieces = _ENCODED_SLASH.split(raw) if multi_segment else [raw]
    try:
        # odd pieces are the encoded slashes the split kept
        return "".join(p if i % 2 else unquote_to_bytes(p).decode() for i, p in enumerate(pieces))
    except UnicodeDecodeError:
        raise InvalidPath(f"{raw!r} is not percent-encoded UTF-8") from None
