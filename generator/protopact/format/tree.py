"""The concrete syntax tree the formatter prints: every token kept, grouped as the grammar groups them.

A leaf is one token (:class:`.lexer.Token`); every other node is a :class:`Branch` whose ``parts()``
are its children in source order (``None`` for what the source left out). A branch's comments are its
first token's leading and its last token's trailing comments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .lexer import NEWLINES, Comment, Token
from .node import Node

Leaf = Token  # a token is its own leaf


class Branch(Node):
    __slots__ = ()
    fields: tuple[str, ...] = ()

    if TYPE_CHECKING:  # each branch class's own is generated (see _branch)
        def __init__(self, *values: object, **named: object) -> None: ...

    def parts(self) -> list[Node | None]:
        out: list[Node | None] = []
        for name in self.fields:
            value = getattr(self, name)
            if isinstance(value, list):
                out.extend(value)
            else:
                out.append(value)
        return out

    # The source order of a branch's tokens follows its fields' order; a branch whose parts
    # interleave two lists (names and dots) finds its last token through parts().
    interleaved = False

    def first(self) -> Token:
        for name in self.fields:
            value = getattr(self, name)
            if value.__class__ is list:
                if value:
                    return value[0].first()
            elif value is not None:
                return value.first()
        raise ValueError("an empty branch")

    def last(self) -> Token:
        if self.interleaved:
            return self.children()[-1].last()
        for name in reversed(self.fields):
            value = getattr(self, name)
            if value.__class__ is list:
                for item in reversed(value):
                    if item is not None:
                        return item.last()
            elif value is not None:
                return value.last()
        raise ValueError("an empty branch")


def leaves(node: Node) -> list[Node]:
    """The one-token nodes of ``node``, in source order."""
    if node.is_leaf:
        return [node]
    return [leaf for child in node.children() for leaf in leaves(child)]


def leading(node: Node) -> list[Comment]:
    return node.first().leading


def trailing(node: Node) -> list[Comment]:
    return node.last().trailing


def space_before(node: Node) -> str:
    return node.first().space_before


def fold_space(dropped: Token, after: Token) -> None:
    """The whitespace around a dropped token becomes one gap: a blank line on either side is kept."""
    item: Token | Comment = after.leading[0] if after.leading else after
    if NEWLINES[dropped.space_before] > NEWLINES[item.space_before]:
        item.space_before = dropped.space_before


def _branch(name: str, *fields: str) -> type[Branch]:
    """A branch class whose ``__init__`` takes ``fields`` by name or, where the parser makes the most
    branches, in order (a call with keywords costs twice as much), each ``None`` by default (a
    generated ``__init__``: a loop of ``setattr`` cost 5% of formatting). Only the ``__init__`` is
    generated: ``make_dataclass`` builds each class twice for its slots and generated a seventh of
    the instructions of importing the formatter."""
    namespace: dict[str, Any] = {}
    exec(f"def __init__(self{''.join(f', {f}=None' for f in fields)}):"
         + "".join(f"\n    self.{f} = {f}" for f in fields), namespace)
    return type(name, (Branch,), {"__slots__": fields, "fields": fields, "__module__": __name__,
                                  "__init__": namespace["__init__"]})


# Declarations (fields in source order; the printer chooses its own order where buf does).
File = _branch("File", "decls", "eof")
Syntax = _branch("Syntax", "keyword", "equals", "value", "semicolon")  # also `edition = "2023";`
Package = _branch("Package", "keyword", "name", "semicolon")
Import = _branch("Import", "keyword", "modifier", "name", "semicolon")
Option = _branch("Option", "keyword", "name", "equals", "value", "semicolon")
Body = ("open", "decls", "close")
Message = _branch("Message", "keyword", "name", *Body)
Enum = _branch("Enum", "keyword", "name", *Body)
Service = _branch("Service", "keyword", "name", *Body)
Oneof = _branch("Oneof", "keyword", "name", *Body)
Extend = _branch("Extend", "keyword", "extendee", *Body)
Field = _branch("Field", "label", "type", "name", "equals", "tag", "options", "semicolon")
MapField = _branch("MapField", "map_type", "name", "equals", "tag", "options", "semicolon")
MapType = _branch("MapType", "keyword", "open", "key", "comma", "value", "close")
Group = _branch("Group", "label", "keyword", "name", "equals", "tag", "options", *Body)
EnumValue = _branch("EnumValue", "name", "equals", "number", "options", "semicolon")
Rpc = _branch("Rpc", "keyword", "name", "input", "returns", "output", "open", "decls", "close",
              "semicolon")
RpcType = _branch("RpcType", "open", "stream", "type", "close")
ExtensionRange = _branch("ExtensionRange", "keyword", "items", "commas", "options", "semicolon")
Reserved = _branch("Reserved", "keyword", "items", "commas", "semicolon")
Range = _branch("Range", "start", "to", "end")
Empty = _branch("Empty", "semicolon")

# Names and values.
CompoundIdent = _branch("CompoundIdent", "leading_dot", "components", "dots")
OptionName = _branch("OptionName", "parts_", "dots")
FieldRef = _branch("FieldRef", "open", "url_prefix", "slash", "name", "close")
CompactOptions = _branch("CompactOptions", "open", "options", "commas", "close")
CompoundString = _branch("CompoundString", "strings")
Signed = _branch("Signed", "sign", "number")  # -42, -4.2, -inf
MessageLiteral = _branch("MessageLiteral", "open", "elements", "seps", "close")
MessageField = _branch("MessageField", "name", "sep", "value")
ArrayLiteral = _branch("ArrayLiteral", "open", "elements", "commas", "close")


def _interleaved(self: Branch, items: str, seps: str) -> list[Node | None]:
    out: list[Node | None] = []
    for i, item in enumerate(getattr(self, items)):
        out.append(item)
        sep_list = getattr(self, seps)
        if i < len(sep_list):
            out.append(sep_list[i])
    return out


def _compound_parts(self: Branch) -> list[Node | None]:
    return [self.leading_dot, *_interleaved(self, "components", "dots")]


def _option_name_parts(self: Branch) -> list[Node | None]:
    return _interleaved(self, "parts_", "dots")


def _with_open_close(items: str, seps: str):  # type: ignore[no-untyped-def]
    def parts(self: Branch) -> list[Node | None]:
        return [self.open, *_interleaved(self, items, seps), self.close]
    return parts


def _ranges_parts(self: Branch) -> list[Node | None]:
    rest = [getattr(self, name) for name in self.fields[3:]]
    return [self.keyword, *_interleaved(self, "items", "commas"), *rest]


CompoundIdent.parts = _compound_parts  # type: ignore[method-assign]
OptionName.parts = _option_name_parts  # type: ignore[method-assign]
CompoundIdent.interleaved = OptionName.interleaved = True
CompactOptions.parts = _with_open_close("options", "commas")  # type: ignore[method-assign]
MessageLiteral.parts = _with_open_close("elements", "seps")  # type: ignore[method-assign]
ArrayLiteral.parts = _with_open_close("elements", "commas")  # type: ignore[method-assign]
ExtensionRange.parts = _ranges_parts  # type: ignore[method-assign]
Reserved.parts = _ranges_parts  # type: ignore[method-assign]
