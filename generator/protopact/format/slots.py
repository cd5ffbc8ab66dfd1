"""Where a file's comments go once its declarations are put in buf's order.

buf sorts a file's declarations (syntax, package, imports by path, options by name, then the rest in
source order) but splits the comments above each one at its last blank line: the part below that line
is *attached* and moves with its declaration; the part above is *detached* and stays where it was
written: it is printed before the first declaration printed that was written after it.
Between declarations of one kind buf writes no blank line (it keeps those between comments, and the one
that separates detached from attached comments); it writes one where the kind changes, and between two
other declarations where the source had one.

:func:`place` rewrites each declaration's leading comments (and the whitespace the printer reads blank
lines from) so that printing the declarations in the returned order lays the comments out as buf does.
"""

from __future__ import annotations

from . import tree as t
from .lexer import NEWLINES, Comment
from .names import option_sort_name, string_value

_RANKS: dict[type[t.Node], int] = {t.Syntax: 0, t.Package: 1, t.Import: 2, t.Option: 3}
_BODY_RANK = 4
_SORTED_RANKS = (2, 3)  # imports and options
_IMPORT_ORDER = {"public": 2, "weak": 1}


def rank(decl: t.Node) -> int:
    return _RANKS.get(type(decl), _BODY_RANK)


def ordered(decls: list[t.Node], has_comment) -> list[t.Node]:  # type: ignore[no-untyped-def]
    """``decls`` in buf's order: stable by kind, imports by path then modifier (one with comments
    before an equal one without), options by name (plain names before extensions)."""

    # a key per declaration: buf's less function, called per comparison, cost 3% of formatting
    def key(decl: t.Node) -> tuple[object, ...]:
        kind = decl.__class__
        if kind is t.Import:
            return _RANKS[kind], string_value(decl.name), -_import_order(decl), \
                not has_comment(decl)
        if kind is t.Option:
            name = option_sort_name(decl.name)
            return _RANKS[kind], name.startswith("("), name
        return (_RANKS[kind],)

    header: list[t.Node] = []  # each declaration's rank looked up once
    body: list[t.Node] = []
    for decl in decls:
        (header if decl.__class__ in _RANKS else body).append(decl)
    header.sort(key=key)
    return header + body


def drop_empty(decls: list[t.Node], eof: t.Node) -> list[t.Node]:
    """``decls`` without empty statements that have no comments. An empty statement's comments are
    printed among the declarations after the header, so the blank line before one goes to its
    first trailing comment, or else to the next such declaration."""
    out = []
    for n, decl in enumerate(decls):
        if not isinstance(decl, t.Empty):
            out.append(decl)
            continue
        tok = decl.first()
        if tok.trailing:
            tok.trailing[0].space_before = tok.space_before
        else:
            after = next((d for d in decls[n + 1:] if rank(d) == _BODY_RANK), eof)
            t.fold_space(tok, after.first())
        if tok.leading or tok.trailing:
            out.append(decl)
    return out


def place(source: list[t.Node], printed: list[t.Node]) -> None:
    """Lay the comments of ``source`` out for printing its declarations in the order ``printed``."""
    position = {id(decl): n for n, decl in enumerate(source)}
    firsts = [decl.first() for decl in source]
    detached, attached, blank_before = [], [], []  # by position in the source
    for tok in firsts:
        comments = tok.leading
        if comments:
            cut = _last_blank(comments, tok.space_before)
            detached.append(comments[:cut])
            attached.append(comments[cut:])
            first_space = comments[0].space_before
        else:
            cut = 0
            detached.append(comments)
            attached.append(comments)
            first_space = tok.space_before
        # the file's first declaration is set apart from the comments heading the file
        blank_before.append(NEWLINES[first_space] > 1 or (tok is firsts[0] and cut > 0))
    done = -1  # detached comments are printed up to this position in the source
    previous = -1  # the rank of the declaration printed before
    for decl in printed:
        at = position[id(decl)]
        above: list[Comment] = []
        for k in range(done + 1, at + 1):
            if detached[k]:
                above += _set_space(detached[k], 0, "\n\n") if above else detached[k]
        done = max(done, at)
        kind = rank(decl)
        if kind in _SORTED_RANKS:
            gap = "\n\n" if previous != -1 and previous != kind else "\n"
        else:
            gap = "\n\n" if blank_before[at] or previous == 0 and kind == _BODY_RANK else "\n"
        previous = kind
        own = attached[at]
        comments = [*above, *own]
        _space(comments, 0, gap)
        if above and own:
            _space(comments, len(above), "\n\n")
        tok = firsts[at]
        tok.leading = comments
        tok.space_before = gap if not comments else ("\n" if own else "\n\n")


def _set_space(comments: list[Comment], k: int, space: str) -> list[Comment]:
    comments = list(comments)
    _space(comments, k, space)
    return comments


def _space(comments: list[Comment], k: int, space: str) -> None:
    """``comments[k]`` (if any) preceded by ``space``: replaced in the list where it differs."""
    if k < len(comments) and comments[k].space_before != space:
        comments[k] = comments[k].spaced(space)


def _last_blank(comments: list[Comment], space_after_last: str) -> int:
    """How many of ``comments`` come before the last blank line that follows one of them."""
    for k in range(len(comments), 0, -1):
        after = comments[k].space_before if k < len(comments) else space_after_last
        if NEWLINES[after] > 1:
            return k
    return 0


def _import_order(node: t.Node) -> int:
    return _IMPORT_ORDER.get(node.modifier.text, 3) if node.modifier is not None else 3
