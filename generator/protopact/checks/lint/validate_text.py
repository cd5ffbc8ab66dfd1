"""``PROTOVALIDATE``'s check of ``pattern`` regular expressions, in Go's words.

protovalidate's patterns are RE2. Python's ``re`` parses a superset of RE2, so a pattern ``re``
refuses is refused with Go's wording for the same error; the constructs RE2 lacks and ``re`` takes
(backreferences, lookaround, atomic groups) are refused as Go refuses them.
"""

from __future__ import annotations

import re

# RE2 syntax that Python's re accepts: Go's error and the text it quotes
_UNSUPPORTED = (
    (re.compile(r"\\[1-9]"), "invalid escape sequence"),
    (re.compile(r"\(\?<[=!][^>]*>?"), "invalid named capture"),  # Go reads (?< as a name
    (re.compile(r"\(\?[=!>]"), "invalid or unsupported Perl syntax"),
)
# Python's messages (their stable start) -> Go's error code
_RE_ERRORS = (
    ("missing ), unterminated subpattern", "missing closing )"),
    ("unbalanced parenthesis", "unexpected )"),
    ("unterminated character set", "missing closing ]"),
    ("nothing to repeat", "missing argument to repetition operator"),
    ("multiple repeat", "invalid nested repetition operator"),
    ("bad character range", "invalid character class range"),
    ("bad escape (end of pattern)", "trailing backslash at end of expression"),
    ("bad escape", "invalid escape sequence"),
)


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` does not compile as RE2, as Go says it (``error parsing regexp: missing
    closing ): `(abc```); None when it compiles."""
    for found_in, code in _UNSUPPORTED:
        found = found_in.search(_outside_classes(pattern))
        if found is not None:
            return f"error parsing regexp: {code}: `{found.group(0)}`"
    try:
        re.compile(pattern)
    except re.error as error:
        message = str(error.msg)
        code = next((go for start, go in _RE_ERRORS if message.startswith(start)), message)
        return f"error parsing regexp: {code}: `{_quoted_part(pattern, code, error, message)}`"
    return None


def _outside_classes(pattern: str) -> str:
    """``pattern`` with escapes inside ``[...]`` blanked, so that ``[\\1]`` is not a backreference."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append("__" if in_class else pattern[i:i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


def _quoted_part(pattern: str, code: str, error: re.error, message: str) -> str:
    """The part of ``pattern`` Go quotes with its error."""
    pos = error.pos or 0
    if code in ("missing closing )", "unexpected )"):
        return pattern
    if code == "missing closing ]":
        return pattern[pattern.rfind("[", 0, pos + 1) if pos else pattern.find("["):]
    if code == "trailing backslash at end of expression":
        return ""
    if code == "invalid character class range":
        return message.removeprefix("bad character range ")
    if code == "invalid escape sequence":
        return pattern[pos:pos + 2]
    if code == "invalid nested repetition operator":
        return pattern[pos - 1:pos + 1]
    return pattern[pos:pos + 1]
