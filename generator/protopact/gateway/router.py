"""Which route serves a request: the most specific template that matches, whatever the declaration
order (:attr:`.CompiledTemplate.rank`), then the first declared among equally specific ones.

A path that some route matches under another HTTP method answers 405 with an ``Allow`` header listing
those methods; a path no route matches answers 404; a path or query whose percent-encoded bytes are
not UTF-8 answers 400. Candidates are indexed by their first literal segment, so a request is matched
against the few templates that can match it, not the whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import quote, unquote_to_bytes

import grpc

from ..schema.http import DEEP_WILDCARD, WILDCARD, HttpRoute
from .pathtemplate import CompiledTemplate, InvalidPath, compile_template, decode
from .status import HttpError, bad_request, gateway_error

T = TypeVar("T")
# Everything printable in ASCII stays as sent; only other bytes are percent-encoded.
_URL_SAFE = "".join(chr(c) for c in range(0x21, 0x7f))


@dataclass(frozen=True)
class Match(Generic[T]):
    target: T
    route: HttpRoute
    values: dict[str, str]


@dataclass(frozen=True)
class _Candidate(Generic[T]):
    matcher: CompiledTemplate
    route: HttpRoute
    target: T


class Router(Generic[T]):
    """Routes in declaration order, each with the ``target`` (e.g. its transcoder) that serves it."""

    def __init__(self, routes: Iterable[HttpRoute], target: Callable[[HttpRoute], T]) -> None:
        candidates = [_Candidate(compile_template(r.binding.path_template), r, target(r))
                      for r in routes]
        candidates.sort(key=lambda c: c.matcher.rank)  # stable: declaration order among equals
        self._by_first: dict[str, list[_Candidate[T]]] = {}
        self._wild: list[_Candidate[T]] = []
        for candidate in candidates:
            first = next(candidate.matcher.template.flat_segments())
            if first in (WILDCARD, DEEP_WILDCARD):
                self._wild.append(candidate)
            else:
                self._by_first.setdefault(first, []).append(candidate)
        self.candidates = candidates

    def _candidates(self, raw_path: str) -> Sequence[_Candidate[T]]:
        first = raw_path[1:].split("/", 1)[0].split(":", 1)[0]
        try:
            own = self._by_first.get(decode(first), [])
        except InvalidPath:
            own = []
        if not self._wild:
            return own
        return sorted([*own, *self._wild], key=lambda c: c.matcher.rank) if own else self._wild

    def allowed(self, raw_path: str) -> list[str]:
        """The HTTP methods some route serves at ``raw_path``, sorted; HEAD wherever GET is."""
        verbs = {c.route.binding.verb for c in self._candidates(raw_path)
                 if c.matcher.fullmatch(raw_path)}
        return sorted(verbs | {"HEAD"} if "GET" in verbs else verbs)

    def find(self, verb: str, raw_path: str) -> Match[T]:
        """The route for ``verb`` at ``raw_path`` (a GET route serves HEAD too), or the
        400/404/405 :class:`HttpError`."""
        check_utf8(raw_path, "path")
        served = "GET" if verb == "HEAD" else verb
        for candidate in self._candidates(raw_path):
            if candidate.route.binding.verb != served:
                continue
            try:
                values = candidate.matcher.match(raw_path)
            except InvalidPath as exc:
                raise bad_request(f"The path is invalid: {exc}") from None
            if values is not None:
                return Match(candidate.target, candidate.route, values)
        allowed = self.allowed(raw_path)
        if allowed:
            raise method_not_allowed(verb, allowed)
        raise gateway_error(404, grpc.StatusCode.NOT_FOUND, f"No route for {verb} {raw_path}")


def method_not_allowed(verb: str, allowed: list[str]) -> HttpError:
    return gateway_error(405, grpc.StatusCode.UNIMPLEMENTED, f"{verb} is not allowed here",
                         {"Allow": ", ".join(allowed)})


def check_utf8(raw: str, where: str) -> None:
    try:
        decode(raw)
    except InvalidPath:
        raise bad_request(f"The {where} is not percent-encoded UTF-8") from None


def raw_path(scope_raw_path: bytes) -> str:
    """The request path as sent, bytes outside ASCII percent-encoded (so :func:`check_utf8` sees
    them)."""
    return quote(scope_raw_path.split(b"?", 1)[0], safe=_URL_SAFE)


def query_items(raw_query: bytes) -> list[tuple[str, str]]:
    """The query string's ``(name, value)`` pairs; 400 when it is not percent-encoded UTF-8."""
    out = []
    for pair in raw_query.split(b"&"):
        if not pair:
            continue
        key, _, value = pair.partition(b"=")
        try:
            out.append((unquote_to_bytes(key.replace(b"+", b" ")).decode(),
                        unquote_to_bytes(value.replace(b"+", b" ")).decode()))
        except UnicodeDecodeError:
            raise bad_request("The query string is not percent-encoded UTF-8") from None
    return out
