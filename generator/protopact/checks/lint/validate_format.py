"""cel-go's check of ``string.format`` calls, which cel-cpp lacks: a call on a string literal with a
list literal of arguments must have a format string that parses (``%s``, ``%d``, ``%.2f``, ``%%``
…), an argument for every clause and no more, and arguments of a type the clause can print. Only
the types of ``%d``, ``%o`` and ``%b`` are checked (cel-go also checks ``%s``, ``%f``, ``%e`` and
``%x``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

_CLAUSES = frozenset("sdfeEbxXo")
# clause -> (types it prints, cel-go's complaint)
_TYPED = {
    "d": ({"int", "uint", "double", "dyn"},
          "error during formatting: decimal clause can only be used on ints, uints, and doubles, "
          "was given {}"),
    "o": ({"int", "uint", "dyn"},
          "error during formatting: octal clause can only be used on ints and uints, was given {}"),
    "b": ({"int", "uint", "bool", "dyn"},
          "error during formatting: only ints, uints, and bools can be formatted as binary, was "
          "given {}"),
}


def format_issues(expression: str, type_of: Callable[[str], str | None]) -> list[str]:
    """cel-go's issues with the ``'…'.format([…])`` calls of ``expression``; ``type_of`` gives the
    CEL type of an argument's text (None when unknown)."""
    out = []
    for text, arguments in _calls(expression):
        problem, requested = _parse(text, arguments, type_of)
        if problem is not None:
            out.append(problem)
        elif len(arguments) > requested:
            out.append(f"too many arguments supplied to string.format (expected {requested}, "
                       f"got {len(arguments)})")
    return out


def _parse(text: str, arguments: list[str],
           type_of: Callable[[str], str | None]) -> tuple[str | None, int]:
    requested, i = 0, 0
    while i < len(text):
        if text[i] != "%":
            i += 1
            continue
        if text[i + 1:i + 2] == "%":
            i += 2
            continue
        requested += 1
        i += 1
        if i >= len(text):
            return "unexpected end of string", requested
        if requested > len(arguments):
            return f"index {requested - 1} out of range", requested
        if text[i] == ".":
            i += 1
            while i < len(text) and text[i].isdigit():
                i += 1
        clause = text[i:i + 1]
        if clause not in _CLAUSES:
            return ("could not parse formatting clause: unrecognized formatting clause "
                    f'"{clause}"'), requested
        if clause in _TYPED:
            allowed, complaint = _TYPED[clause]
            found = type_of(arguments[requested - 1])
            if found is not None and found.split("(")[0] not in allowed:
                return complaint.format(found.split("(")[0]), requested
        i += 1
    return None, requested


def _calls(expression: str) -> Iterator[tuple[str, list[str]]]:
    """(format string, argument texts) of each ``'literal'.format([a, b])`` in ``expression``."""
    i = 0
    while i < len(expression):
        if expression[i] in "'\"":
            end = _literal_end(expression, i)
            quote = 3 if expression.startswith(expression[i] * 3, i) else 1
            text = expression[i + quote:end - quote]
            j = _skip(expression, end)
            if expression.startswith(".format", j):
                j = _skip(expression, j + len(".format"))
                if expression.startswith("(", j):
                    j = _skip(expression, j + 1)
                    if expression.startswith("[", j):
                        close = _closing(expression, j)
                        if close is not None:
                            inner = expression[j + 1:close]
                            yield text, [a for a in _top_level(inner) if a]
            i = end
        else:
            i += 1


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _literal_end(text: str, start: int) -> int:
    """The index after the string literal opening at ``start`` (triple quotes included)."""
    quote = text[start] * 3 if text.startswith(text[start] * 3, start) else text[start]
    i = start + len(quote)
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(quote, i):
            return i + len(quote)
        i += 1
    return len(text)


def _closing(text: str, start: int) -> int | None:
    """The index of the bracket closing the one at ``start``."""
    return next((i for i, c, depth in _scan(text, start) if depth == 0), None)


def _top_level(inner: str) -> list[str]:
    """``inner`` split at its top-level commas."""
    out, start = [], 0
    for i, c, depth in _scan(inner, 0):
        if c == "," and depth == 0:
            out.append(inner[start:i].strip())
            start = i + 1
    out.append(inner[start:].strip())
    return out


def _scan(text: str, start: int) -> Iterator[tuple[int, str, int]]:
    """(index, character, bracket depth after it) from ``start``, string literals skipped."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c in "'\"":
            i = _literal_end(text, i)
            continue
        depth += c in "([{"
        depth -= c in ")]}"
        yield i, c, depth
        i += 1
