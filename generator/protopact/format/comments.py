"""How buf reshapes a comment's text: block comments re-indented, line comments made inline."""

from __future__ import annotations


def inline_text(text: str) -> str:
    """A one-line comment written inside a line: ``//x`` becomes ``/*x */`` (the text after ``//``
    is kept as written, trailing spaces aside, and a ``*/`` in it becomes ``* /`` so the comment
    still ends where it should)."""
    if text.startswith("//"):
        return "/*" + text[2:].rstrip().replace("*/", "* /") + " */"
    return text.strip()


def block_lines(comment: str) -> list[str]:
    """The lines of a multi-line block comment, re-indented relative to its least indented line.

    A shared prefix character (``*`` usually, ``|`` sometimes) is aligned under the opening ``*``;
    without one, the text is indented three spaces.
    """
    lines = comment.split("\n")
    min_indent = -1
    prefix = ""
    for i in range(1, len(lines)):
        indent = _indent_of(lines[i])
        if indent is not None and (min_indent == -1 or indent < min_indent):
            min_indent = indent
        if i > 1 and not prefix:
            continue
        line = lines[i].strip()
        if line == "*/":
            continue
        line_prefix = line[0] if line and _is_prefix(line[0]) else ""
        if i == 1:
            prefix = line_prefix
        elif line_prefix != prefix:
            prefix = ""
    min_indent = max(min_indent, 0)
    out = []
    for i, line in enumerate(lines):
        trimmed = line.strip()
        if trimmed in ("", "*/") or prefix:
            line = trimmed
        else:
            line = _unindent(line, min_indent).rstrip()
        if i > 0 and line != "*/":
            line = ("   " if not prefix else " ") + line
        if line == "*/" and prefix == "*":
            line = " " + line
        out.append(line)
    return out


def _is_prefix(ch: str) -> bool:
    return not ch.isalpha() and not ch.isnumeric()


def _indent_of(line: str) -> int | None:
    if line.strip() == "*/":
        return None
    indent = 0
    for ch in line:
        if ch == " ":
            indent += 1
        elif ch == "\t":
            indent += 8 - indent % 8
        else:
            return indent
    return None


def _unindent(line: str, amount: int) -> str:
    pos = 0
    for i, ch in enumerate(line):
        if pos == amount:
            return line[i:]
        if pos > amount:
            return " " * (pos - amount) + line[i:]
        if ch == " ":
            pos += 1
        elif ch == "\t":
            pos += 8 - pos % 8
        else:
            return line[i:]
    return ""
