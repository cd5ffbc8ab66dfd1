"""What each kind of declaration and value looks like once formatted (buf's layout, node by node)."""

from __future__ import annotations

from . import slots
from . import tree as t
from .names import identifier
from .printer import Printer, writes


def write_file(p: Printer, root: t.Node) -> None:
    source = slots.drop_empty(root.decls, root.eof)
    printed = slots.ordered(source, lambda node: _import_has_comment(p, node))
    slots.place(source, printed)
    for decl in printed:
        p.node(decl)
    p.multiline_comments(root.eof.leading)
    if p.last not in ("\x00", "\n"):
        p.line()


@writes(t.Import)
def _import(p: Printer, node: t.Node) -> None:
    if p.plain_line((node.keyword, node.modifier, node.name), node.semicolon):
        return
    p.start(node.keyword)
    p.space()
    if node.modifier is not None:
        p.inline_node(node.modifier)
        p.space()
    p.inline_node(node.name)
    p.line_end(node.semicolon)


def _import_has_comment(p: Printer, node: t.Node) -> bool:
    return any(p.has_comment(part) for part in (node, node.keyword, node.name, node.semicolon,
                                               node.modifier))


def _statement(p: Printer, keyword: t.Node, equals: t.Node, value: t.Node, semicolon: t.Node) -> None:
    p.start(keyword)
    p.space()
    p.inline_node(equals)
    p.space()
    p.inline_node(value)
    p.line_end(semicolon)


@writes(t.Syntax)
def _syntax(p: Printer, n: t.Node) -> None:
    _statement(p, n.keyword, n.equals, n.value, n.semicolon)


@writes(t.Package)
def _package(p: Printer, n: t.Node) -> None:
    if p.plain_line((n.keyword, n.name), n.semicolon):
        return
    p.start(n.keyword)
    p.space()
    p.inline_node(n.name)
    p.line_end(n.semicolon)


@writes(t.Option)
def _option(p: Printer, n: t.Node) -> None:
    _option_prefix(p, n)
    if n.semicolon is not None:
        if isinstance(n.value, t.CompoundString):
            _compound_string(p, n.value, indent=True, end_inline=True)
        else:
            p.inline_node(n.value)
        p.line_end(n.semicolon)
        return
    if isinstance(n.value, t.CompoundString):
        _compound_string(p, n.value, indent=True, end_inline=False)
        return
    p.inline_node(n.value)


def _option_prefix(p: Printer, n: t.Node) -> None:
    if n.keyword is not None:
        p.start(n.keyword)
        p.space()
        p.node(n.name)
    else:
        p.start(n.name)
    p.space()
    p.inline_node(n.equals)
    p.space()


@writes(t.OptionName)
def _option_name(p: Printer, n: t.Node) -> None:
    for i, ref in enumerate(n.parts_):
        if p.in_compact_options and i == 0:
            first = ref.open if ref.open is not None else ref.name
            p.node(first)
            if p.trailing(first):
                p.inline_comments(p.trailing(first))
            if ref.open is not None:
                p.inline_node(ref.name)
            if ref.close is not None:
                p.inline_node(ref.close)
            continue
        if i > 0:
            p.inline_node(n.dots[i - 1])
        p.node(ref)


@writes(t.FieldRef)
def _field_ref(p: Printer, n: t.Node) -> None:
    if n.open is not None:
        p.inline_node(n.open)
    p.inline_node(n.name)
    if n.close is not None:
        p.inline_node(n.close)


@writes(t.Message, t.Enum, t.Service, t.Oneof, t.Extend)
def _named_body(p: Printer, n: t.Node) -> None:
    p.start(n.keyword)
    p.space()
    p.inline_node(n.extendee if isinstance(n, t.Extend) else n.name)
    p.space()
    p.type_body(n.open, n.close, n.decls)


@writes(t.EnumValue)
def _enum_value(p: Printer, n: t.Node) -> None:
    if n.options is None and p.plain_line((n.name, n.equals, n.number), n.semicolon):
        return
    p.start(n.name)
    p.space()
    p.inline_node(n.equals)
    p.space()
    p.inline_node(n.number)
    _compact_suffix(p, n.options)
    p.line_end(n.semicolon)


def _compact_suffix(p: Printer, options: t.Node | None) -> None:
    if options is not None:
        p.space()
        p.node(options)


@writes(t.Field)
def _field(p: Printer, n: t.Node) -> None:
    if n.options is None and p.plain_line((n.label, n.type, n.name, n.equals, n.tag),
                                          n.semicolon):
        return
    if n.label is not None:
        p.start(n.label)
        p.space()
        p.inline_node(n.type)
    elif isinstance(n.type, t.CompoundIdent):
        _compound_ident_start(p, n.type)
    else:
        p.start(n.type)
    _name_tag_options(p, n)
    p.line_end(n.semicolon)


def _name_tag_options(p: Printer, n: t.Node) -> None:
    p.space()
    p.inline_node(n.name)
    p.space()
    p.inline_node(n.equals)
    p.space()
    p.inline_node(n.tag)
    _compact_suffix(p, n.options)


@writes(t.MapField)
def _map_field(p: Printer, n: t.Node) -> None:
    m = n.map_type
    p.start(m.keyword)
    p.inline_node(m.open)
    p.inline_node(m.key)
    p.inline_node(m.comma)
    p.space()
    p.inline_node(m.value)
    p.inline_node(m.close)
    _name_tag_options(p, n)
    p.line_end(n.semicolon)


@writes(t.Group)
def _group(p: Printer, n: t.Node) -> None:
    if n.label is not None:
        p.start(n.label)
        p.space()
        p.inline_node(n.keyword)
    else:
        p.start(n.keyword)
    _name_tag_options(p, n)
    p.space()
    p.type_body(n.open, n.close, n.decls)


@writes(t.Rpc)
def _rpc(p: Printer, n: t.Node) -> None:
    p.start(n.keyword)
    p.space()
    p.inline_node(n.name)
    p.inline_node(n.input)
    p.space()
    p.inline_node(n.returns)
    p.space()
    p.inline_node(n.output)
    if n.open is None:
        p.line_end(n.semicolon)
        return
    p.space()
    p.type_body(n.open, n.close, n.decls)


@writes(t.RpcType)
def _rpc_type(p: Printer, n: t.Node) -> None:
    p.inline_node(n.open)
    if n.stream is not None:
        p.inline_node(n.stream)
        p.space()
    p.inline_node(n.type)
    p.inline_node(n.close)


@writes(t.ExtensionRange)
def _extension_range(p: Printer, n: t.Node) -> None:
    _ranges(p, n)
    _compact_suffix(p, n.options)
    p.line_end(n.semicolon)


@writes(t.Reserved)
def _reserved(p: Printer, n: t.Node) -> None:
    _ranges(p, n)
    p.line_end(n.semicolon)


def _ranges(p: Printer, n: t.Node) -> None:
    p.start(n.keyword)
    p.space()
    for i, item in enumerate(n.items):
        if i > 0:
            p.inline_node(n.commas[i - 1])
            p.space()
        p.inline_node(item)


@writes(t.Range)
def _range(p: Printer, n: t.Node) -> None:
    p.inline_node(n.start)
    if n.to is not None:
        p.space()
        p.inline_node(n.to)
    if n.end is not None:
        p.space()
        p.inline_node(n.end)


@writes(t.Empty)
def _empty(p: Printer, n: t.Node) -> None:
    """An empty statement is dropped; its comments are kept, each on its own line."""
    tok = n.semicolon
    p.multiline_comments([*tok.leading, *tok.trailing])
    p.previous = n


@writes(t.CompoundIdent)
def _compound_ident(p: Printer, n: t.Node) -> None:
    if n.leading_dot is not None:
        p.inline_node(n.leading_dot)
    for i, component in enumerate(n.components):
        if i > 0:
            p.inline_node(n.dots[i - 1])
        p.inline_node(component)


def _compound_ident_start(p: Printer, n: t.Node) -> None:
    """A qualified field type starting a line: its leading comments go above the field."""
    if n.leading_dot is not None:
        p.start(n.leading_dot)
    for i, component in enumerate(n.components):
        if i == 0 and n.leading_dot is None:
            p.start(component)
            continue
        if i > 0:
            p.inline_node(n.dots[i - 1])
        p.inline_node(component)


@writes(t.Signed)
def _signed(p: Printer, n: t.Node) -> None:
    p.inline_node(n.sign)
    p.inline_node(n.number)


def _compound_string(p: Printer, n: t.Node, *, indent: bool, end_inline: bool) -> None:
    if p.last != "\n":  # a line comment before the strings already ended the line
        p.line()
    if indent:
        p.indent += 1
    for i, child in enumerate(n.strings):
        if end_inline and i == len(n.strings) - 1:
            p.start(child)
            break
        p.line_element(child)
    if indent:
        p.indent = max(p.indent - 1, 0)


@writes(t.CompoundString)
def _compound_string_node(p: Printer, n: t.Node) -> None:
    _compound_string(p, n, indent=True, end_inline=False)


from . import values  # noqa: E402,F401  (registers the value writers)

__all__ = ["write_file", "identifier"]
