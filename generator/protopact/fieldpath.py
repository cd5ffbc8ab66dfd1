"""How a protovalidate violation reads to a client: its field path as a client writes it
(``items[2].name``, ``labels["env"]``; empty for a rule of the whole message) and one line that
sums up every violation.

The servers (:mod:`protopact.violations`) and the ``validation.py`` module of generated packages
answer in these words. A generated package cannot import protopact, so its template renders these
functions from their source (:func:`sources`): one piece of code, shipped twice. They therefore use
nothing but builtins.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any


def field_path(violation: Any) -> str:
    """The path of the field a protovalidate ``Violation`` is about; empty for a message rule."""
    field = violation.proto.field
    if field is None:
        return ""
    parts = []
    for element in field.elements:
        part, subscript = element.field_name, element.subscript
        if subscript is not None:
            value = subscript.value
            part += f'["{value}"]' if subscript.field == "string_key" else f"[{value}]"
        parts.append(part)
    return ".".join(parts)


def summary(message_name: str, broken: Iterable[tuple[str, str]]) -> str:
    """``field: why; other.field: why`` for (field path, why) pairs; a message rule under the
    message's name."""
    return "; ".join(f"{path or message_name}: {why}" for path, why in broken)


def sources() -> str:
    """The source of the functions above, as the generated ``validation.py`` includes it."""
    return "\n\n".join(inspect.getsource(f) for f in (field_path, summary)).rstrip() + "\n"
