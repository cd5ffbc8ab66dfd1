"""Breaking rules over ``google.api.http`` bindings (category ``HTTP``): REST clients break when a
binding's verb, path, body or response body changes, a path variable binds another field, or a
binding disappears. Adding a binding breaks no one.

Bindings pair per paired RPC: the rule itself with the rule itself, then additional bindings by
identical (verb, path), then the remaining ones by position. Findings lie on the current RPC's
``google.api.http`` option, or on the RPC when the option is gone. Only explicit rules count: an RPC
without one has no binding here (the gateway's default route is not part of the contract).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from google.api import annotations_pb2

from ...schema import walk
from ...schema.http import Binding, HttpSettings, PathTemplate, Variable, bindings_for
from ..findings import Finding
from . import REGISTRY
from .adapters import At, Pairing, pair_rule

Method = At[walk.MethodAt]
HTTP_OPTION = (4, annotations_pb2.http.number)  # MethodDescriptorProto.options, (google.api.http)
EXPLICIT_ONLY = HttpSettings(default_bindings=False)


@dataclass(frozen=True)
class BindingPair:
    """A baseline binding and its counterpart in the input (None when it was deleted)."""

    prev: Method
    cur: Method
    before: Binding
    after: Binding | None

    @property
    def rpc(self) -> str:
        method = self.cur.element
        return f'RPC "{method.method.name}" on service "{method.service.service.name}"'

    def subject(self, what: str) -> str:
        """``its HTTP path``, or ``the HTTP path of its additional binding "GET /v1/a"``."""
        if not self.before.is_additional:
            return f"its HTTP {what}"
        return f'the HTTP {what} of its additional binding "{self.before.verb} {self.before.path}"'

    def changed(self, what: str, before: str, after: str) -> str:
        return f'{self.rpc} changed {self.subject(what)} from "{before}" to "{after}".'

    def finding(self, p: Pairing, rule: str, message: str) -> Finding:
        path = self.cur.element.path
        return p.finding(rule, message, self.cur.file, path + HTTP_OPTION, path,
                         against=self.prev.file)


def _bindings(method: Method) -> tuple[Binding, ...]:
    return bindings_for(method.element.service.full_name, method.element.method,
                        settings=EXPLICIT_ONLY)


def _pair(before: tuple[Binding, ...], after: tuple[Binding, ...]
          ) -> Iterator[tuple[Binding, Binding | None]]:
    primary = [b for b in after if not b.is_additional]
    for b in before:
        if not b.is_additional:
            yield b, primary[0] if primary else None
    old = [b for b in before if b.is_additional]
    new = [b for b in after if b.is_additional]
    matched: dict[int, Binding] = {}
    for b in old:
        same = next((a for a in new if (a.verb, a.path) == (b.verb, b.path)), None)
        if same is not None:
            matched[b.index] = same
            new.remove(same)
    for b in old:
        yield b, matched.get(b.index) or (new.pop(0) if new else None)


@lru_cache(maxsize=1)
def binding_pairs(p: Pairing) -> list[BindingPair]:
    """Every baseline binding of every paired RPC with its counterpart, computed once per run."""
    return [BindingPair(prev, cur, before, after)
            for prev, cur in p.methods
            for before, after in _pair(_bindings(prev), _bindings(cur))]


def _shape(template: PathTemplate) -> tuple[object, ...]:
    """What a URL must look like to match: literals and wildcards, variables as their patterns."""
    return (*(("var", s.segments) if isinstance(s, Variable) else s for s in template.segments),
            template.verb)


def _all_pairs(p: Pairing) -> list[tuple[BindingPair]]:
    return [(b,) for b in binding_pairs(p)]


def _kept_pairs(p: Pairing) -> list[tuple[BindingPair]]:
    return [(b,) for b in binding_pairs(p) if b.after is not None]


@pair_rule(REGISTRY.rule, "HTTP_BINDING_NO_DELETE", over=_all_pairs)
def http_binding_no_delete(p: Pairing, pair: BindingPair) -> Iterator[Finding]:
    """A deleted HTTP binding breaks every REST client that calls it."""
    if pair.after is None:
        kind = "additional HTTP binding" if pair.before.is_additional else "HTTP binding"
        yield pair.finding(p, "HTTP_BINDING_NO_DELETE",
                           f'Previously present {kind} "{pair.before.verb} {pair.before.path}" on '
                           f'{pair.rpc} was deleted.')


def _same(rule: str, what: str, attribute: str, doc: str) -> None:
    """Register rule ``rule``: a kept binding's ``attribute`` (shown as ``what``) must not change."""

    def check(p: Pairing, pair: BindingPair) -> Iterator[Finding]:
        before, after = getattr(pair.before, attribute), getattr(pair.after, attribute)
        if before != after:
            yield pair.finding(p, rule, pair.changed(what, before, after))

    check.__doc__, check.__name__ = doc, rule.lower()
    pair_rule(REGISTRY.rule, rule, over=_kept_pairs)(check)


_same("HTTP_SAME_VERB", "verb", "verb",
      "A new HTTP verb sends every REST client's call to a route that no longer exists.")
_same("HTTP_SAME_BODY", "body", "body",
      "A new ``body`` moves request fields between the JSON body and the query string.")
_same("HTTP_SAME_RESPONSE_BODY", "response_body", "response_body",
      "A new ``response_body`` changes the JSON that REST clients receive.")


@pair_rule(REGISTRY.rule, "HTTP_SAME_PATH", over=_kept_pairs)
def http_same_path(p: Pairing, pair: BindingPair) -> Iterator[Finding]:
    """A new path template no longer matches the URLs REST clients build."""
    assert pair.after is not None
    if _shape(pair.before.path_template) != _shape(pair.after.path_template):
        yield pair.finding(p, "HTTP_SAME_PATH",
                           pair.changed("path", pair.before.path, pair.after.path))


@pair_rule(REGISTRY.rule, "HTTP_SAME_PATH_VARIABLES", over=_kept_pairs)
def http_same_path_variables(p: Pairing, pair: BindingPair) -> Iterator[Finding]:
    """A path variable that binds another request field changes what a URL means."""
    assert pair.after is not None
    before, after = pair.before.path_template, pair.after.path_template
    if _shape(before) != _shape(after):
        return  # HTTP_SAME_PATH reports it
    for old, new in zip(before.variables, after.variables):
        if old.field != new.field:
            yield pair.finding(p, "HTTP_SAME_PATH_VARIABLES",
                               f'{pair.rpc} renamed path variable "{old.field}" to "{new.field}" '
                               f'in {pair.subject("path")}, now "{after}".')
