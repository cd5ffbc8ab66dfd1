"""Option values as buf lays them out: ``[...]`` compact options, message and array literals."""

from __future__ import annotations

from . import tree as t
from .printer import Printer, writes


@writes(t.CompactOptions)
def _compact_options(p: Printer, n: t.Node) -> None:
    from .layout import _compound_string, _option_prefix

    p.in_compact_options = True
    try:
        if len(n.options) == 1 and not p.has_interior_comments(n.open, n.options[0].name):
            option = n.options[0]
            p.inline_node(n.open)
            p.inline_node(option.name)
            p.space()
            p.inline_node(option.equals)
            if isinstance(option.value, t.CompoundString):
                _compound_string(p, option.value, indent=False, end_inline=True)
                p.inline_node(n.close)
                return
            p.space()
            p.inline_node(option.value)
            p.inline_node(n.close)
            return

        def elements() -> None:
            for i, option in enumerate(n.options):
                if i == len(n.options) - 1:
                    _option_prefix(p, option)
                    p.line_end(option.value)
                    return
                if isinstance(option.value, t.CompoundString):
                    _option_prefix(p, option)
                    _compound_string(p, option.value, indent=True, end_inline=True)
                else:
                    p.node(option)
                p.line_end(n.commas[i])

        p.value_body(n.open, n.close, elements)
    finally:
        p.in_compact_options = False


def _nested(elements: list[t.Node]) -> bool:
    return any(isinstance(e, (t.ArrayLiteral, t.MessageLiteral)) for e in elements)


@writes(t.MessageLiteral)
def _message_literal(p: Printer, n: t.Node) -> None:
    if _compact_message_literal(p, n, in_array=False):
        return
    p.value_body(n.open, n.close, _elements_writer(p, n))


def _elements_writer(p: Printer, n: t.Node):  # type: ignore[no-untyped-def]
    if not n.elements:
        return None

    def elements() -> None:
        for element, sep in zip(n.elements, n.seps):
            _move_separator_comments(p, element, sep)
            p.node(element)
    return elements


def _move_separator_comments(p: Printer, element: t.Node, sep: t.Node | None) -> None:
    """A dropped separator's trailing comments move to the value, unless it has its own."""
    if sep is not None:
        comments = p.trailing(sep)
        if comments and not p.trailing(element.value):
            p.trailing_override[id(element.value.last())] = comments


def _message_literal_for_array(p: Printer, n: t.Node, last: bool) -> None:
    if _compact_message_literal(p, n, in_array=True, last=last):
        return
    open_, close = n.open, n.close
    if not n.elements and not p.has_interior_comments(open_, close):
        _start_in_array(p, open_)
        p.node(open_)
        (p.body_end if last else p.body_end_inline)(close, True)
        return
    p.body(open_, close, _elements_writer(p, n), p.open_brace_for_array,
           p.body_end if last else p.body_end_inline)


def _compact_message_literal(p: Printer, n: t.Node, in_array: bool, last: bool = False) -> bool:
    """A literal of one scalar field and no comments inside, on one line (ending it when it is the
    last element of an array)."""
    if len(n.elements) != 1 or _comments_inside(p, n) or \
            _nested([e.value for e in n.elements]) or isinstance(n.elements[0].value, t.CompoundString):
        return False  # adjacent strings go one per line, so their literal cannot stay on one
    open_, close = n.open, n.close
    if in_array:
        _start_in_array(p, open_)
        p.node(open_)
    else:
        p.inline_node(open_)
    element = n.elements[0]
    p.inline_node(element.name)
    _colon(p, element)
    _move_separator_comments(p, element, n.seps[0])
    p.inline_node(element.value)
    if last:
        p.line_end(close)
    else:
        p.inline_node(close)
    return True


def _start_in_array(p: Printer, open_: t.Leaf) -> None:
    """A literal in an array starts its line, its comments on lines above it."""
    if t.leading(open_):
        p.multiline_comments(t.leading(open_))
    else:
        p.blank_line_kept(open_)
    p.write_indent(open_)


def _comments_inside(p: Printer, n: t.Node) -> bool:
    """Whether a comment stands anywhere between a literal's braces."""
    field = n.elements[0]
    parts = [field.name, field.sep, field.value, n.seps[0]]
    if p.trailing(n.open) or t.leading(n.close):
        return True
    return any(t.leading(tok) or p.trailing(tok) for part in parts if part is not None
               for tok in t.leaves(part))


def _colon(p: Printer, field: t.Node) -> None:
    """The ``:`` after a field name is optional before a message; buf always writes it."""
    if field.sep is not None:
        if p.trailing(field.name):
            p.space()  # buf sets a comment after the name apart from the colon
        p.inline_node(field.sep)
    else:
        p.write(":")
    p.space()


@writes(t.MessageField)
def _message_field(p: Printer, n: t.Node) -> None:
    from .layout import _compound_string

    ref = n.name
    if ref.open is not None:
        p.start(ref.open)
        if ref.url_prefix is not None:
            p.inline_node(ref.url_prefix)
            p.inline_node(ref.slash)
        p.inline_node(ref.name)
    else:
        p.start(ref.name)
    if ref.close is not None:
        p.inline_node(ref.close)
    after_colon = p.trailing(n.sep) if n.sep is not None else []
    if after_colon and after_colon[-1].text.startswith("//") and \
            not isinstance(n.value, (t.MessageLiteral, t.ArrayLiteral)):
        # a line comment after the colon stays one: a scalar value goes on the next line
        p.leading_inline(n.sep)
        p.node(n.sep)
        p.trailing_end_comments(after_colon)
    else:
        _colon(p, n)
    if isinstance(n.value, t.CompoundString):
        _compound_string(p, n.value, indent=True, end_inline=False)
        return
    p.write_indent(None)
    if isinstance(n.value, (t.MessageLiteral, t.ArrayLiteral)):
        p.node(n.value)  # comments after its closing brace stay inside the line
        if p.last != "\n":
            p.line()
        return
    p.line_end(n.value)


@writes(t.ArrayLiteral)
def _array_literal(p: Printer, n: t.Node) -> None:
    if len(n.elements) == 1 and not p.has_interior_comments(*n.children()) and \
            not _nested(n.elements):
        p.inline_node(n.open)
        p.inline_node(n.elements[0])
        p.inline_node(n.close)
        return
    if not n.elements:
        p.value_body(n.open, n.close, None)
        return

    def elements() -> None:
        for i, element in enumerate(n.elements):
            last = i == len(n.elements) - 1
            if not element.is_leaf:
                _composite_in_array(p, element, last)
                if not last:
                    p.line_end(n.commas[i])
                continue
            if last:
                p.start(element, ends_line=True)
                return
            p.start(element)
            p.line_end(n.commas[i])

    p.value_body(n.open, n.close, elements)


def _composite_in_array(p: Printer, n: t.Node, last: bool) -> None:
    if isinstance(n, t.MessageLiteral):
        _message_literal_for_array(p, n, last)
    elif isinstance(n, t.CompoundString):
        for i, child in enumerate(n.strings):
            if not last and i == len(n.strings) - 1:
                p.start(child)
                return
            p.line_element(child)
    elif isinstance(n, t.Signed):
        p.start(n.sign)
        if last:
            p.line_end(n.number)
        else:
            p.inline_node(n.number)
    else:  # a qualified name: written as it stands
        p.start(n)
