"""Text of JSON-shaped data (dicts, lists, strings, numbers, booleans, None): indented JSON and
block YAML, fast. Generated trees hold thousands of such files, or one with millions of lines.

``json.dumps`` switches to its pure-Python encoder when given ``indent``, which takes seconds on
googleapis-sized trees; :func:`json_text` writes the same text with only scalars going through the C
encoder.

PyYAML's dumper builds and walks an event and node graph in Python: an OpenAPI document of a
googleapis-sized tree (2 million lines) takes it close to a minute, and its C emitter still a third
of that. This writer emits block style directly, each scalar in the plainest form that reads back as
the same value under both YAML 1.1 (PyYAML) and YAML 1.2:

- plain, for conservative ASCII text that cannot be read as another type (``true``, ``null``,
  ``on``, numbers) or as syntax (``: ``, `` #``, a leading indicator);
- a literal block (``|-``) for text of several lines;
- otherwise double-quoted with JSON's escapes, which YAML's double-quoted style shares, plus the
  characters YAML requires escaped and JSON does not.

Mappings keep their order; empty collections are written ``{}`` and ``[]``.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Any

_PLAIN = re.compile(r"[A-Za-z_/$][A-Za-z0-9_./$(){}\[\]<>=+*&@!?%,;'\"`~^|\\:# -]*")
# YAML 1.1 reads these (in any capitalisation PyYAML knows) as booleans or null.
_RESERVED = frozenset(("y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"))
# What JSON leaves unescaped but YAML's double-quoted style may not hold as is: characters outside
# YAML's printable set, and the line breaks of YAML 1.1 (\x85, \u2028, \u2029), which it would fold.
_UNQUOTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# Characters a literal block cannot hold as they are (line breaks other than \n, tabs are fine).
_NOT_LITERAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_LONGEST_KEY = 1000  # YAML limits implicit keys to 1024 characters


def json_text(value: Any, indent: str = "\n") -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``."""
    if isinstance(value, dict) and value:
        inner = indent + "  "
        return "{" + ",".join(inner + _scalar_json(k) + ": " + json_text(v, inner)
                              for k, v in value.items()) + indent + "}"
    if isinstance(value, list | tuple) and value:
        inner = indent + "  "
        return "[" + ",".join(inner + json_text(v, inner) for v in value) + indent + "]"
    return _scalar_json(value)


_scalar_json = json.JSONEncoder(ensure_ascii=False).encode


def yaml_text(data: dict[str, Any]) -> str:
    """``data`` as a YAML document (a block mapping), ending in a newline."""
    if not data:
        return "{}\n"
    lines: list[str] = []
    _mapping(data, "", lines)
    return "\n".join(lines) + "\n"


def _mapping(data: dict[str, Any], indent: str, lines: list[str], first: str | None = None) -> None:
    """Keys at ``indent``; the first line starts with ``first`` instead (a sequence's ``- ``)."""
    for key, value in data.items():
        lead = indent if first is None else first
        first = None
        text = _text(str(key))
        if len(text) > _LONGEST_KEY:
            lines.append(f"{lead}? {text}")
            _value(value, f"{indent}:", indent + "  ", lines)
        else:
            _value(value, f"{lead}{text}:", indent + "  ", lines)


def _value(value: Any, head: str, indent: str, lines: list[str]) -> None:
    """``value`` after ``head`` (``key:``): inline when a scalar, else on the lines below."""
    if isinstance(value, dict) and value:
        lines.append(head)
        _mapping(value, indent, lines)
    elif isinstance(value, list | tuple) and value:
        lines.append(head)
        # Sequences under a key are not indented, as PyYAML and most hand-written files do.
        _sequence(value, indent[:-2], lines)
    else:
        _inline(value, head, indent, lines)


def _sequence(items: list[Any] | tuple[Any, ...], indent: str, lines: list[str]) -> None:
    for item in items:
        if isinstance(item, dict) and item:
            _mapping(item, indent + "  ", lines, first=f"{indent}- ")
        elif isinstance(item, list | tuple) and item:
            lines.append(f"{indent}-")
            _sequence(item, indent + "  ", lines)
        else:
            _inline(item, f"{indent}-", indent + "  ", lines)


def _inline(value: Any, head: str, indent: str, lines: list[str]) -> None:
    if isinstance(value, str) and "\n" in value and _literal_ok(value):
        lines.append(f"{head} |-")
        lines.extend(f"{indent}{line}" if line else "" for line in value.split("\n"))
    else:
        lines.append(f"{head} {_scalar(value)}")


def _literal_ok(text: str) -> bool:
    # A leading space or line break would be read as indentation; a final line break is chomped.
    return not text.startswith((" ", "\n")) and not text.endswith("\n") \
        and _NOT_LITERAL.search(text) is None


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return _text(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list | tuple):
        return "[]"
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


@lru_cache(maxsize=1 << 16)  # a document repeats its keys and many of its values
def _text(text: str) -> str:
    if _is_plain(text):
        return text
    return _UNQUOTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _is_plain(text: str) -> bool:
    return _PLAIN.fullmatch(text) is not None and text.lower() not in _RESERVED \
        and not text.endswith((" ", ":")) and ": " not in text and " #" not in text


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    # YAML 1.1 needs a dot in a float: 1e+16 would read back as a string.
    if "." not in text and "e" in text:
        text = text.replace("e", ".0e", 1)
    return text
