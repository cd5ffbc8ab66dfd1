"""Reading a token stream into the formatter's syntax tree (:mod:`.tree`).

The grammar is the ``.proto`` grammar of protoc (proto2, proto3, editions). Files reach this parser
only after protoc accepted them, so an error here names the token it could not place and nothing more.
"""

from __future__ import annotations

import dataclasses

from . import runs
from . import tree as t
from .lexer import Token, tokenize

_LABELS = ("optional", "required", "repeated")

# In each body that holds fields (values in an enum), the words that start anything else: most
# declarations are found to be fields by one set lookup.
_NOT_FIELDS = {
    "message": frozenset((";", "option", "message", "enum", "extend", "oneof", "extensions",
                          "reserved")),
    "extend": frozenset((";", "option")),
    "oneof": frozenset((";", "option")),
    "enum": frozenset((";", "option", "reserved")),
}


class ParseError(Exception):
    def __init__(self, message: str, tok: Token) -> None:
        super().__init__(message)
        self.tok = tok


def parse(text: str) -> t.Node:
    return _Parser(tokenize(text)).file()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens + tokens[-1:] * 2  # peek(2) at the end of the file sees its end
        self.pos = 0
        self.array_commas: set[int] = set()  # ids of the tokens separating array elements
        self.keep_trailing: set[int] = set()  # ids of literal tokens whose comments stay after them
        self.literal_depth = 0  # how many message literals enclose the next token
        self.angles: list[Token] = []  # the brackets of `<...>` literals, printed `{...}`

    # -- token helpers -------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[self.pos + ahead]

    def at(self, *texts: str) -> bool:
        """Whether the next token is one of ``texts`` (keywords and punctuation, which no string
        or number token's text can equal)."""
        return self.tokens[self.pos].text in texts

    def take(self, text: str | None = None) -> t.Leaf:
        tok = self.tokens[self.pos]
        if tok.kind == "eof" or (text is not None and tok.text != text):
            raise ParseError(f"expected {text or 'a token'}, found {tok.text or 'end of file'!r}", tok)
        self.pos += 1
        return tok

    def maybe(self, text: str) -> t.Leaf | None:
        return self.take(text) if self.at(text) else None

    # -- file ----------------------------------------------------------------------------------
    def file(self) -> t.Node:
        decls: list[t.Node] = []
        while self.peek().kind != "eof":
            self.add(decls, self.file_decl(), in_body=False)
        for tok in self.angles:  # rewritten once read: until then the parser reads their shape
            tok.text = "{" if tok.text == "<" else "}"
        return t.File(decls=decls, eof=self.peek())

    def add(self, decls: list[t.Node], decl: t.Node, in_body: bool = True) -> None:
        """Append ``decl``. buf drops empty statements (``;``) but not what surrounds them: their
        comments stay, each on its own line, and a blank line on either side of one is kept (but
        not right after ``{``). In a body, an empty statement's whitespace is folded into what
        follows it, except before ``}``; at file level, where declarations are reordered,
        :func:`.slots.drop_empty` does it."""
        if in_body and isinstance(decl, t.Empty):
            tok, after = decl.semicolon, self.peek()
            if tok.trailing:
                tok.trailing[0].space_before = tok.space_before
            elif not decls and not tok.leading:
                tok.space_before = "\n"
            elif not (after.kind == "punct" and after.text == "}" and not after.leading):
                t.fold_space(tok, after)
                tok.space_before = "\n"
        decls.append(decl)

    def file_decl(self) -> t.Node:
        word = self.tokens[self.pos].text  # read once: most declarations are none of these
        if (word == "syntax" or word == "edition") and self.peek(1).text == "=":
            return t.Syntax(keyword=self.take(), equals=self.take("="), value=self.string(),
                            semicolon=self.take(";"))
        if word == "package":
            return t.Package(keyword=self.take(), name=self.ident(), semicolon=self.take(";"))
        if word == "import":
            keyword = self.take()
            modifier = self.take() if self.at("public", "weak", "option") else None
            return t.Import(keyword=keyword, modifier=modifier, name=self.string(),
                            semicolon=self.take(";"))
        return self.body_decl("file")

    def body_decl(self, where: str) -> t.Node:
        word = self.tokens[self.pos].text
        not_fields = _NOT_FIELDS.get(where)
        if not_fields is not None and word not in not_fields:
            return self.enum_value() if where == "enum" else self.field()
        if word == ";":
            return t.Empty(semicolon=self.take())
        if word == "option":
            return self.option()
        if word == "message" and where in ("file", "message"):
            return t.Message(self.take(), self.take(), *self.body("message"))
        if word == "enum" and where in ("file", "message"):
            return t.Enum(self.take(), self.take(), *self.body("enum"))
        if word == "service" and where == "file":
            return t.Service(self.take(), self.take(), *self.body("service"))
        if word == "extend" and where in ("file", "message"):
            return t.Extend(self.take(), self.ident(), *self.body("extend"))
        if where == "message":
            if word == "oneof":
                return t.Oneof(self.take(), self.take(), *self.body("oneof"))
            if word in ("extensions", "reserved"):
                return self.ranges()
        if where == "enum" and word == "reserved":
            return self.ranges()
        if where == "service" and word == "rpc":
            return self.rpc()
        raise ParseError(f"unexpected {word!r}", self.peek())

    def body(self, where: str) -> tuple[t.Leaf, list[t.Node], t.Leaf]:
        """A body's fields in order: opening brace, declarations, closing brace."""
        open_ = self.take("{")
        decls: list[t.Node] = []
        while self.tokens[self.pos].text != "}":
            self.add(decls, self.body_decl(where))
        return open_, decls, self.take("}")

    # -- declarations --------------------------------------------------------------------------
    def option(self) -> t.Node:
        # keyword, name, equals, value, semicolon
        return t.Option(self.take("option"), self.option_name(), self.take("="), self.value(),
                        self.take(";"))

    def enum_value(self) -> t.Node:
        # name, equals, number, options, semicolon
        return t.EnumValue(self.take(), self.take("="), self.signed_int(), self.compact_options(),
                           self.take(";"))

    def field(self) -> t.Node:
        label = self.take() if self.tokens[self.pos].text in _LABELS else None
        word = self.tokens[self.pos].text
        if word == "group" and self.peek(1).kind == "ident" and self.peek(2).text == "=":
            return t.Group(label, self.take(), self.take(), self.take("="), self.take(),
                           self.compact_options(), *self.body("message"))
        if label is None and word == "map" and self.peek(1).text == "<":
            map_type = t.MapType(keyword=self.take(), open=self.take("<"), key=self.ident(),
                                 comma=self.take(","), value=self.ident(), close=self.take(">"))
            return t.MapField(map_type=map_type, name=self.take(), equals=self.take("="),
                              tag=self.take(), options=self.compact_options(),
                              semicolon=self.take(";"))
        type_ = self.ident()
        tokens, pos = self.tokens, self.pos  # the end of the file is followed by two more ends
        name, equals, tag = tokens[pos], tokens[pos + 1], tokens[pos + 2]
        if name.kind != "eof" and equals.text == "=" and tag.kind != "eof":
            self.pos = pos + 3  # the common case: the three tokens are what take() would accept
        else:
            name, equals, tag = self.take(), self.take("="), self.take()  # raises as it should
        return t.Field(label, type_, name, equals, tag, self.compact_options(), self.take(";"))

    def rpc(self) -> t.Node:
        node = t.Rpc(keyword=self.take(), name=self.take(), input=self.rpc_type(),
                     returns=self.take("returns"), output=self.rpc_type(), decls=[])
        if self.at("{"):
            node.open = self.take()
            while not self.at("}"):
                self.add(node.decls, t.Empty(semicolon=self.take()) if self.at(";") else self.option())
            node.close = self.take()
        else:
            node.semicolon = self.take(";")
        return node

    def rpc_type(self) -> t.Node:
        open_ = self.take("(")
        after = self.peek(1)
        qualified = after.text == "." and not after.space_before and not after.leading
        stream = self.take() if self.at("stream") and after.text != ")" and not qualified else None
        return t.RpcType(open=open_, stream=stream, type=self.ident(), close=self.take(")"))

    def ranges(self) -> t.Node:
        keyword = self.take()
        items: list[t.Node] = []
        commas: list[t.Node] = []
        while True:
            tok = self.peek()
            if tok.kind == "string":
                items.append(self.string())
            elif tok.kind == "ident":
                items.append(self.take())
            else:
                start = self.signed_int()
                to = end = None
                if self.at("to"):
                    to = self.take()
                    end = self.take() if self.at("max") else self.signed_int()
                items.append(t.Range(start=start, to=to, end=end))
            if not self.at(","):
                break
            commas.append(self.take())
        if keyword.text == "extensions":
            return t.ExtensionRange(keyword=keyword, items=items, commas=commas,
                                    options=self.compact_options(), semicolon=self.take(";"))
        return t.Reserved(keyword=keyword, items=items, commas=commas, semicolon=self.take(";"))

    def compact_options(self) -> t.Node | None:
        if self.tokens[self.pos].text != "[":
            return None
        open_ = self.take()
        options: list[t.Node] = []
        commas: list[t.Node] = []
        while True:
            # no keyword, a name, equals and value
            options.append(t.Option(None, self.option_name(), self.take("="), self.value()))
            if not self.at(","):
                break
            commas.append(self.take())
        end, close = self.tokens[self.pos - 1], self.peek()
        if close.first_line == end.last_line or all(c.text.startswith("/*") for c in end.trailing):
            _lead_next(end, close)  # a comment between the last value and `]` goes above the `]`
        return t.CompactOptions(open=open_, options=options, commas=commas, close=self.take("]"))

    # -- names and values ----------------------------------------------------------------------
    def ident(self) -> t.Node:
        """A possibly qualified name: ``Foo``, ``foo.Bar``, ``.foo.Bar``."""
        tok = self.tokens[self.pos]
        if tok.text != "." and self.tokens[self.pos + 1].text != "." and tok.kind != "eof":
            self.pos += 1  # the common case, a simple name
            return tok
        leading_dot = self.take() if tok.text == "." else None
        components = [self.take()]
        dots: list[t.Node] = []
        tokens, pos = self.tokens, self.pos  # the end of the file is followed by two more ends
        while tokens[pos].text == "." and tokens[pos + 1].kind == "ident":
            dots.append(tokens[pos])
            components.append(tokens[pos + 1])
            pos += 2
        self.pos = pos
        if leading_dot is None and not dots:
            return components[0]
        return t.CompoundIdent(leading_dot, components, dots)

    def option_name(self) -> t.Node:
        parts: list[t.Node] = []
        dots: list[t.Node] = []
        tokens = self.tokens
        while True:
            if tokens[self.pos].text == "(":
                parts.append(t.FieldRef(open=self.take(), name=self.ident(), close=self.take(")")))
            else:
                parts.append(t.FieldRef(None, None, None, self.take()))  # a name alone
            if tokens[self.pos].text != ".":
                return t.OptionName(parts, dots)
            dots.append(self.take())

    def string(self) -> t.Node:
        first, tokens = self.take(), self.tokens
        if tokens[self.pos].kind != "string":
            return first  # the common case, one literal
        strings = [first]
        while tokens[self.pos].kind == "string":
            strings.append(self.take())
        return t.CompoundString(strings=strings)

    def signed_int(self) -> t.Node:
        if self.tokens[self.pos].text == "-":
            return t.Signed(sign=self.take(), number=self.take())
        return self.take()

    def value(self) -> t.Node:
        tok = self.tokens[self.pos]
        kind, text = tok.kind, tok.text
        if kind == "string":
            return self.string()
        if kind == "ident" or text == ".":
            return self.ident()
        if text == "-" or text == "+":
            return t.Signed(sign=self.take(), number=self.take())
        if text == "{" or text == "<":
            return self.message_literal()
        if text == "[":
            return self.array_literal()
        return self.take()

    def message_literal(self) -> t.Node:
        """A ``{...}`` or ``<...>`` value. buf reads the comments inside one as leading the token
        after them where elsewhere they trail the token before: those after the opening brace,
        those with a token after them on their line, and block comments after a scalar field."""
        start = self.pos
        open_ = self.take()
        self.literal_depth += 1
        close_text = "}" if open_.text == "{" else ">"
        elements: list[t.Node] = []
        seps: list[t.Node | None] = []
        fields: list[runs.Field] = []
        while not self.at(close_text):
            first = self.pos
            elements.append(self.message_field())
            last = self.pos - 1
            seps.append(self.take() if self.at(",", ";") else None)
            end = self.tokens[self.pos - 1]
            value = elements[-1].value
            fields.append(runs.Field(first, last, None if seps[-1] is None else self.pos - 1,
                                     isinstance(value, t.MessageLiteral) and value.open.text == "{"))
            if isinstance(value, (t.MessageLiteral, t.ArrayLiteral)):
                # comments after a literal or an array stay after it: before the closing brace
                # (but not after a `;`), or before a field on their line after a run's end
                if (seps[-1] is None or seps[-1].text == ",") if self.at(close_text) else \
                        runs.ends_run(self.tokens, fields[-1], nested=self.literal_depth > 1):
                    self.keep_trailing.add(id(end))
            elif end.trailing and end.trailing[0].text.startswith("/*"):
                _lead_next(end, self.peek(), keep_line_comment=True)
        for n in range(start, self.pos):
            tok, after = self.tokens[n], self.tokens[n + 1]
            comment = after.leading[0] if after.leading else None
            if comment is not None and comment.first_line == tok.last_line < comment.last_line and \
                    (tok.text in "}]>" and after.text in "}]>" or id(tok) in self.array_commas):
                # a block comment from a closing brace's line to the next one's (or from an
                # array comma's line to the next element's) trails the brace or the comma
                tok.trailing, after.leading = after.leading[:1], after.leading[1:]
                continue
            if n == start and tok.trailing and n + 1 < self.pos:
                # no blank line between `{` and the first field, even below the `{`'s comments
                if after.leading:
                    after.leading[0].space_before = "\n"
                else:
                    after.space_before = "\n"
            if n == start or after.first_line == tok.last_line and \
                    id(tok) not in self.array_commas and id(tok) not in self.keep_trailing:
                _lead_next(tok, after)
        self.literal_depth -= 1
        if not elements:
            _own_line(self.peek())
        runs.lay_out(self.tokens, fields, self.pos, nested=self.literal_depth > 0)
        close = self.take()
        if open_.text == "<":
            self.angles += (open_, close)
        return t.MessageLiteral(open=open_, elements=elements, seps=seps, close=close)

    def message_field(self) -> t.Node:
        if self.at("["):
            open_ = self.take()
            name = self.ident()
            url_prefix = slash = None
            if self.at("/"):
                url_prefix, slash, name = name, self.take(), self.ident()
            ref = t.FieldRef(open=open_, url_prefix=url_prefix, slash=slash, name=name,
                             close=self.take("]"))
        else:
            ref = t.FieldRef(name=self.take())
        sep = self.maybe(":")
        return t.MessageField(name=ref, sep=sep, value=self.value())

    def array_literal(self) -> t.Node:
        open_ = self.take()
        elements: list[t.Node] = []
        commas: list[t.Node] = []
        while not self.at("]"):
            elements.append(self.value())
            if not self.at(","):
                break
            commas.append(self.take())
            self.array_commas.add(id(commas[-1]))
        if not elements:
            _lead_next(open_, self.peek())  # a comment in `[]` goes above the `]`
            _own_line(self.peek())
        return t.ArrayLiteral(open=open_, elements=elements, commas=commas, close=self.take("]"))


def _own_line(close: Token) -> None:
    """In an empty literal or array, buf reads a comment after the opening brace as one on a line
    of its own (a blank line after it is kept as after such a comment)."""
    if close.leading and "\n" not in close.leading[0].space_before:
        close.leading = [close.leading[0].spaced("\n"), *close.leading[1:]]


def _lead_next(tok: Token, after: Token, keep_line_comment: bool = False) -> None:
    """``tok``'s trailing comments lead ``after`` instead; with ``keep_line_comment``, a line
    comment ending them stays on the line of the comment before it."""
    comments = list(tok.trailing)
    if keep_line_comment and len(comments) > 1 and comments[-1].text.startswith("//"):
        line = comments.pop()
        comments[-1] = dataclasses.replace(comments[-1], text=f"{comments[-1].text} {line.text}",
                                           last_line=line.last_line)
    if comments:
        after.leading = [*comments, *after.leading]
        tok.trailing = ()
