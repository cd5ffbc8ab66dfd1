"""``google.api.field_behavior = REQUIRED`` enforced on REST requests, as the OpenAPI document
states it (AIP-203: a request that leaves a required field unset is ``INVALID_ARGUMENT``).

A field is set as protovalidate's ``required`` reads it: present for a field with presence (a
message, a proto3 ``optional`` or a wrapper), not empty for a repeated field or a map, and not its
zero value for a plain proto3 scalar (which a server cannot tell from unset). The request is
checked, and every message it holds that is set (list items and map values too), except:

- a field the URL path binds: the path sets it;
- in a partial update (:meth:`~protopact.schema.http.HttpRoute.partial_update`, AIP-134), the
  resource's REQUIRED fields, at any depth, only where the update mask reaches: a field the mask
  names, or one inside a message the mask names, or all of them for ``*``. Those the mask leaves
  out keep their stored values; one it names must be set, since the update would clear it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from google.protobuf.message import Message

from ..render.jsonschema import is_map
from ..schema.options import field_behaviors
from .behavior import holds_marked

REQUIRED = "REQUIRED"


@dataclass(frozen=True)
class _Scope:
    """Where REQUIRED applies within a message: everywhere (``paths`` None), or only along the
    given field paths (an update mask's); ``inner`` gives some fields' contents a scope of their
    own (the resource of a partial update)."""

    paths: frozenset[tuple[str, ...]] | None = None
    inner: dict[str, _Scope] = field(default_factory=dict)

    def enter(self, name: str) -> tuple[bool, _Scope | None]:
        """Whether field ``name`` itself must be set, and the scope of its contents (None: none)."""
        if self.paths is None:
            return True, self.inner.get(name, _EVERYWHERE)
        if (name,) in self.paths:
            return True, _EVERYWHERE
        deeper = frozenset(p[1:] for p in self.paths if p[0] == name and len(p) > 1)
        return False, _Scope(deeper) if deeper else None


_EVERYWHERE = _Scope()


def missing(message: Message, *, bound: Iterable[str] = (),
            update: tuple[str, tuple[str, ...]] | None = None) -> list[str]:
    """Paths (``items[2].name``, ``labels["env"]``) of the REQUIRED fields ``message`` leaves unset.
    ``bound`` are the dotted field paths the URL path sets; ``update`` is a partial update's
    resource field (``""``: the request itself) and its mask's paths."""
    scope = _EVERYWHERE
    if update is not None:
        resource, paths = update
        masked = _EVERYWHERE if "*" in paths else _Scope(frozenset(
            tuple(p.split(".")) for p in paths))
        scope = _Scope(inner={resource: masked}) if resource else masked
    return list(_missing(message, scope, "", frozenset(bound)))


def _missing(message: Message, scope: _Scope, prefix: str, bound: frozenset[str]
             ) -> Iterator[str]:
    if not holds_marked(message.DESCRIPTOR, REQUIRED):
        return
    values = {f.name: v for f, v in message.ListFields()}
    for field_ in message.DESCRIPTOR.fields:
        checked, inner = scope.enter(field_.name)
        path = prefix + field_.name
        if path in bound or inner is None and not checked:
            continue
        if field_.name not in values:
            if checked and REQUIRED in field_behaviors(field_):
                yield path
            elif inner is not None and inner.paths is not None and field_.message_type is not None \
                    and not field_.is_repeated:
                # a mask that reaches into an unset message still clears what it names there
                yield from _missing(getattr(message, field_.name), inner, path + ".", bound)
            continue
        if field_.message_type is None or inner is None:
            continue
        value = values[field_.name]
        if is_map(field_):
            if field_.message_type.fields_by_name["value"].message_type is not None:
                for key in sorted(value):
                    shown = f'"{key}"' if isinstance(key, str) else str(key).lower()
                    yield from _missing(value[key], _EVERYWHERE, f"{path}[{shown}].", bound)
        elif field_.is_repeated:
            for index, item in enumerate(value):
                yield from _missing(item, _EVERYWHERE, f"{path}[{index}].", bound)
        else:
            yield from _missing(value, inner, path + ".", bound)
