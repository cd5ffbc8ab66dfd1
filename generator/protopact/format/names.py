"""The values buf sorts a file's header by: import paths (decoded) and option names."""

from __future__ import annotations

from . import tree as t

_SIMPLE = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, "'": 39, '"': 34,
           "?": 63}


def string_value(node: t.Node) -> bytes:
    """The bytes a string literal (or adjacent literals) stands for."""
    strings = node.strings if isinstance(node, t.CompoundString) else [node]
    return b"".join(_decode(s.text[1:-1]) for s in strings)


def _decode(body: str) -> bytes:
    if "\\" not in body:
        return body.encode()
    out = bytearray()
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out += ch.encode()
            i += 1
            continue
        esc = body[i + 1]
        i += 2
        if esc in _SIMPLE:
            out.append(_SIMPLE[esc])
        elif esc in "xX":
            digits = _run(body, i, "0123456789abcdefABCDEF", 2)
            out.append(int(digits, 16))
            i += len(digits)
        elif esc in "01234567":
            digits = esc + _run(body, i, "01234567", 2)
            out.append(int(digits, 8) & 0xFF)
            i += len(digits) - 1
        elif esc in "uU":
            width = 4 if esc == "u" else 8
            out += chr(int(body[i:i + width], 16)).encode("utf-8", "surrogatepass")
            i += width
    return bytes(out)


def _run(text: str, start: int, allowed: str, limit: int) -> str:
    end = start
    while end < len(text) and end - start < limit and text[end] in allowed:
        end += 1
    return text[start:end]


def identifier(node: t.Node) -> str:
    """A name as written, without the spaces or comments between its parts."""
    if node.is_leaf:
        return node.text
    return ("." if node.leading_dot else "") + ".".join(c.text for c in node.components)


def option_sort_name(name: t.Node) -> str:
    """An option name as buf compares file options: ``(custom.ext).field``."""
    parts = []
    for ref in name.parts_:
        text = identifier(ref.name)
        parts.append(f"({text})" if ref.open is not None else text)
    return ".".join(parts)
