"""Printing a syntax tree the way ``buf format`` does, byte for byte.

The layout rules are buf's: the header (syntax, package, sorted imports, sorted file options) first,
then the declarations in source order; two-space indentation; at most one blank line kept between
elements, none after an opening brace; single-option ``[...]`` and single-field message literals kept on
one line, longer ones one element per line; adjacent strings one per line; message literal separators
dropped and ``<...>`` written ``{...}``; every comment kept, leading ones above their element, trailing
ones after it, those inside a line written ``/* ... */``.
"""

from __future__ import annotations

from . import tree as t
from .comments import block_lines, inline_text
from .lexer import NEWLINES, Comment

_OPENS, _CLOSES = "{[(<", "}])>"
# A pending space is written unless the output ends with one of the first characters or what
# follows starts with one of the second; within a line (inline) brackets hug what they enclose.
_BLOCKS = ("\x00 \t\n", "\n;,")
_INLINE_BLOCKS = ("\x00 \t\n<[{(", "\n;,)]}>")
_LINE_STARTS = ("\n", "\x00")  # what the output ends with where a declaration's line begins


def is_open_brace(node: t.Node | None) -> bool:
    return node is not None and node.is_leaf and node.text in ("{", "[", "<")


class Printer:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.indent = 0
        self.last = "\x00"
        self.previous: t.Node | None = None
        self.pending_space = False
        self.in_compact_options = False
        self.pending_indent = 0
        self.inline = False
        self.block_indent = ""  # the indentation of the line the last block comment started on
        self.block_end = -1  # the output's length after it
        self.trailing_override: dict[int, list[Comment]] = {}  # by id of the token they trail

    def text(self) -> str:
        return "".join(self.out)

    # -- low-level output ----------------------------------------------------------------------
    # A line break or an indentation is never preceded by a pending space (no space goes before a
    # line break, nor after one): these append directly, as write() would, and save a call each.
    def line(self) -> None:
        if self.last == "\x00":
            return  # buf never starts a file with a blank line, whatever preceded its first element
        self.pending_space = False
        self.out.append("\n")
        self.last = "\n"
        if self.pending_indent > 0:
            self.indent += 1
        elif self.pending_indent < 0:
            self.indent = max(self.indent - 1, 0)
        self.pending_indent = 0

    def space(self) -> None:
        self.pending_space = True

    def write_indent(self, next_node: t.Node | None) -> None:
        if self.last != "\n":
            return
        indent = self.indent
        if next_node is not None and next_node.is_leaf and indent > 0 and next_node.text in _CLOSES:
            indent -= 1
        self.pending_space = False
        if indent:
            self.out.append("  " * indent)
            self.last = " "

    def write(self, elem: str) -> None:
        if self.pending_space:
            self.pending_space = False
            first = elem[:1]
            prev_block, next_block = _INLINE_BLOCKS if self.inline else _BLOCKS
            if self.last not in prev_block and (not first or first not in next_block):
                self.out.append(" ")
        if not elem:
            return
        self.last = elem[-1]
        self.out.append(elem)

    # -- comments ------------------------------------------------------------------------------
    def trailing(self, node: t.Node) -> list[Comment]:
        tok = node.last()
        if self.trailing_override:
            return self.trailing_override.get(id(tok), tok.trailing)
        return tok.trailing

    def has_comment(self, node: t.Node | None) -> bool:
        return node is not None and bool(t.leading(node) or self.trailing(node))

    def has_interior_comments(self, *nodes: t.Node) -> bool:
        for i, node in enumerate(nodes):
            if i > 0 and t.leading(node):
                return True
            if i < len(nodes) - 1 and self.trailing(node):
                return True
        return False

    def multiline_comments(self, comments: list[Comment], force_compact: bool = False,
                           blank_at: int | None = None, no_blank_at: int | None = None,
                           after_open: bool = False) -> None:
        """``comments`` on lines of their own, blank lines between them kept (only the one before
        ``comments[blank_at]`` if given, not the one before ``comments[no_blank_at]``; the one
        before the first right after an opening brace only ``after_open``)."""
        compact = force_compact or not after_open and is_open_brace(self.previous)
        for i, comment in enumerate(comments):
            blank = NEWLINES[comment.space_before] > 1 if blank_at is None else i == blank_at
            if not compact and blank and i != no_blank_at:
                self.line()
            compact = False
            text = comment.text
            if self.last == "\n" and text[1] == "/":
                self.own_line_comment(text)
                continue
            self.comment(text)
            self.write("\n")

    def own_line_comment(self, text: str) -> None:
        """The line comment ``text`` on a line of its own, the common case: the line written at
        once."""
        self.pending_space = False
        self.out.append("  " * self.indent + text.strip() + "\n")

    def closing_comments(self, node: t.Leaf, decls: bool) -> None:
        """Comments above a closing token. buf keeps only the last blank line among them; when a
        blank line separates them from the token, it keeps none above the ``}`` ending declarations,
        every one but the first above a message literal's ``}``, and every one above a ``]`` (right
        after an empty array's ``[`` too); and in a value it keeps one before the token where the
        source has two after comments on lines of their own."""
        comments = t.leading(node)
        if not comments:
            return
        blanks = [i for i, c in enumerate(comments) if NEWLINES[c.space_before] > 1]
        newlines = NEWLINES[node.space_before]
        if newlines < 2:
            self.multiline_comments(comments, blank_at=blanks[-1] if blanks else -1)
        elif decls:
            self.multiline_comments(comments, blank_at=-1)
        else:
            # above a `}`, the first comment on a line of its own follows what is above it closely
            own = next((i for i, c in enumerate(comments) if "\n" in c.space_before), None)
            self.multiline_comments(comments, no_blank_at=own if node.text == "}" else None,
                                    after_open=node.text == "]")
            if newlines > 2 and any("\n" in c.space_before for c in comments):
                self.line()

    def inline_comments(self, comments: list[Comment]) -> None:
        """``comments`` inside a line; a block comment spanning lines keeps them, re-indented."""
        for i, comment in enumerate(comments):
            if i > 0 or comment.space_before or self.last in ";}":
                self.space()
            if "\n" in comment.text:
                pending, self.pending_indent = self.pending_indent, 0  # the brace before it indents
                self.comment(comment.text)                              # the next line, not these
                self.pending_indent = pending
            else:
                self.write(inline_text(comment.text))

    def trailing_end_comments(self, comments: list[Comment]) -> None:
        for i, comment in enumerate(comments):
            if i > 0 or comment.space_before:
                self.space()
            self.comment(comment.text)
        self.line()

    def comment(self, text: str) -> None:
        if text.startswith("/*") and "\n" in text:
            # a block comment's lines below its first are indented from the line it starts on
            self.write_indent(None)
            if not self.on_block_comment_line():  # else its first line sets the indentation
                self.block_indent = " " * self.line_indent()
            lines = block_lines(text)
            self.write(lines[0])
            for line in lines[1:]:
                self.write("\n" + self.block_indent + line)
            self.block_end = len(self.out)
        else:
            self.write_indent(None)
            self.write(text.strip())

    def on_block_comment_line(self) -> bool:
        """Whether the line being written is the last line of a block comment (what follows the
        comment on that line, a `;` say, aside)."""
        return self.block_end >= 0 and not any("\n" in s for s in self.out[self.block_end:])

    def line_indent(self) -> int:
        """How many spaces the line being written starts with."""
        k = len(self.out)
        while k > 0 and "\n" not in self.out[k - 1]:
            k -= 1
        line = "".join(self.out[k:]) if k else "".join(self.out)
        if k:
            line = self.out[k - 1][self.out[k - 1].rfind("\n") + 1:] + line
        return len(line) - len(line.lstrip(" "))

    def leading_comments_contain_blank_line(self, node: t.Node) -> bool:
        if any(NEWLINES[c.space_before] > 1 for c in t.leading(node)):
            return True
        return NEWLINES[t.space_before(node)] > 1

    # -- placement of one node -----------------------------------------------------------------
    def plain_line(self, words: tuple[t.Node | None, ...], semicolon: t.Leaf) -> bool:
        """Whether ``words`` (``None`` for what the source left out) and ``semicolon`` were
        written as one line at once, the common declaration (a field, an enum value, an import):
        no comment but those above the line, and each word a name, a number, a string, ``=``, or
        a qualified or signed one, so start, inline_node and line_end would write them one space
        apart and change nothing but the output. Otherwise nothing is written."""
        if self.trailing_override or semicolon.leading or semicolon.trailing or \
                self.last not in _LINE_STARTS:
            return False
        word = words[0] if words[0] is not None else words[1]  # a label or a type is there
        head: t.Leaf = word if word.is_leaf else word.first()  # type: ignore[union-attr,assignment]
        texts = []
        for word in words:
            if word is None:
                continue
            if word.is_leaf:
                if word.leading and word is not head or word.trailing or \
                        word.kind == "punct" and word.text != "=":
                    return False
                texts.append(word.text)
                continue
            if word.__class__ not in _WORDS:
                return False
            parts = word.children()
            for part in parts:
                if part.leading and part is not head or part.trailing:
                    return False
            texts.append("".join([part.text for part in parts]))
        self.line_opening(head)
        self.pending_space = False
        self.out.append(("  " * self.indent if self.last == "\n" else "") + " ".join(texts) + ";")
        self.last = ";"
        self.previous = semicolon
        self.line()
        return True

    def start(self, node: t.Node, force_compact: bool = False, ends_line: bool = False) -> None:
        self.line_opening(node.first(), force_compact)
        self.write_indent(node)
        self.node(node)
        trailing = self.trailing(node)
        if ends_line:
            self.trailing_end_comments(trailing)
        elif trailing:
            self.inline_comments(trailing)
        self.previous = node

    def line_opening(self, first: t.Leaf, force_compact: bool = False) -> None:
        """What comes before a line beginning with ``first``: its leading comments and the blank
        line the source has."""
        newlines = NEWLINES[first.space_before]
        leading = first.leading
        if leading:
            comment = leading[0]
            if len(leading) == 1 and self.last == "\n" and comment.text[1] == "/":
                # one line comment above the line (a field's doc comment, say): multiline_comments
                # would write it so, at a cost that shows (most fields have one)
                if not force_compact and NEWLINES[comment.space_before] > 1 and \
                        not is_open_brace(self.previous):
                    self.line()
                self.own_line_comment(comment.text)
            else:
                self.multiline_comments(leading, force_compact)
            if not force_compact and newlines > 1:
                self.line()
        elif newlines > 1 and not (force_compact or is_open_brace(self.previous)):
            self.line()  # the blank line the source has (see blank_line_kept)

    def blank_line_kept(self, node: t.Node, force_compact: bool = False) -> None:
        """The blank line the source has right before ``node`` (none after an opening brace)."""
        if not (force_compact or is_open_brace(self.previous)) and \
                NEWLINES[t.space_before(node)] > 1:
            self.line()

    def inline_node(self, node: t.Node) -> None:
        if node.is_leaf and not node.leading and not node.trailing and \
                not self.trailing_override:
            # the common case, a token without comments, written at once
            text = node.text
            if node.kind == "punct":
                if text in _OPENS:
                    self.pending_indent += 1
                elif text in _CLOSES:
                    self.pending_indent -= 1
            if self.pending_space:
                self.pending_space = False
                if self.last not in _INLINE_BLOCKS[0] and \
                        (not text or text[0] not in _INLINE_BLOCKS[1]):
                    self.out.append(" ")
            if text:
                self.out.append(text)
                self.last = text[-1]
            self.inline = False  # even within an inline branch: what follows is spaced as on a
            # line of its own (so buf spaces a comment after a later `[`), as on the general path
            self.previous = node
            return
        self.inline = True
        try:
            if not node.is_leaf:
                self.node(node)
                return
            self.leading_inline(node)
            self.node(node)
            self.inline_comments(self.trailing(node))
            self.previous = node
        finally:
            self.inline = False

    def leading_inline(self, node: t.Node) -> None:
        leading = t.leading(node)
        if leading:
            self.inline_comments(leading)
            if t.space_before(node):
                self.space()

    def body_end(self, node: t.Node, leading_inline: bool) -> None:
        """A closing token that ends its line: trailing comments keep their style."""
        self._closing(node, leading_inline, ends_line=True)

    def decls_end(self, node: t.Node, leading_inline: bool) -> None:
        """The ``}`` closing a message, enum, service, ... body."""
        self._closing(node, leading_inline, ends_line=True, decls=True)

    def line_element(self, node: t.Node) -> None:
        self.body_end(node, False)

    def body_end_inline(self, node: t.Node, leading_inline: bool) -> None:
        """A closing token more may follow (``]`` before ``;``): trailing comments go inline."""
        self._closing(node, leading_inline, ends_line=False)

    def _closing(self, node: t.Node, leading_inline: bool, *, ends_line: bool,
                 decls: bool = False) -> None:
        if not node.is_leaf:
            self.node(node)
            if ends_line and self.last != "\n":
                self.line()
            return
        if leading_inline:
            self.leading_inline(node)
        else:
            self.closing_comments(node, decls)
            self.write_indent(node)
        self.node(node)
        if ends_line:
            self.trailing_end_comments(self.trailing(node))
        elif self.trailing(node):
            self.inline_comments(self.trailing(node))
        self.previous = node

    def line_end(self, node: t.Node) -> None:
        if not node.is_leaf:
            last = node.last()
            comments = self.trailing(node)
            self.trailing_override[id(last)] = []  # they end the line as written, after the node
            self.node(node)
            del self.trailing_override[id(last)]
            if comments:
                self.space()
                self.trailing_end_comments(comments)
            elif self.last != "\n":
                self.line()
            return
        trailing = self.trailing(node)
        if node.leading or trailing:
            self.leading_inline(node)
            self.node(node)
            self.space()
            self.trailing_end_comments(trailing)
        else:  # the common case, a token without comments ending its line
            self.node(node)
            self.line()
        self.previous = node

    # -- bodies --------------------------------------------------------------------------------
    def body(self, open_: t.Leaf, close: t.Leaf, elements, open_writer, close_writer) -> None:  # type: ignore[no-untyped-def]
        if elements is None and not self.has_interior_comments(open_, close):
            self.inline_node(open_)
            close_writer(close, True)
            return
        open_writer(open_)
        if elements is not None:
            elements()
        close_writer(close, False)

    def type_body(self, open_: t.Leaf, close: t.Leaf, decls: list[t.Node]) -> None:
        self.body(open_, close, self.decls_writer(decls, close), self.open_brace, self.decls_end)

    def value_body(self, open_: t.Leaf, close: t.Leaf, elements) -> None:  # type: ignore[no-untyped-def]
        self.body(open_, close, elements, self.open_brace, self.body_end_inline)

    def open_brace(self, node: t.Leaf) -> None:
        """An opening brace ending its line, its leading comments inline before it."""
        self.leading_inline(node)
        self._opening(node)

    def open_brace_for_array(self, node: t.Leaf) -> None:
        """A message literal's brace inside an array: its leading comments on lines above it."""
        if t.leading(node):
            self.multiline_comments(t.leading(node))
        self.write_indent(node)
        self._opening(node)

    def _opening(self, node: t.Leaf) -> None:
        self.node(node)
        trailing = self.trailing(node)
        if trailing:
            self.trailing_end_comments(trailing)
        else:
            self.line()
        self.previous = node

    def decls_writer(self, decls: list[t.Node], close: t.Leaf):  # type: ignore[no-untyped-def]
        if not t.leading(close) and all(isinstance(d, t.Empty) and not self.has_comment(d)
                                        for d in decls):
            return None  # a body of bare `;` prints as `{}`

        def write() -> None:
            for decl in decls:
                self.node(decl)
            last = decls[-1] if decls else None
            if isinstance(last, t.Empty) and not last.semicolon.trailing and \
                    NEWLINES[last.semicolon.space_before] > 1:
                self.line()  # a blank line before an empty statement ending the body is kept
        return write

    # -- dispatch ------------------------------------------------------------------------------
    def node(self, node: t.Node) -> None:
        if node.is_leaf:
            if node.kind == "punct":
                if node.text in _OPENS:
                    self.pending_indent += 1
                elif node.text in _CLOSES:
                    self.pending_indent -= 1
            self.write(node.text)
            return
        _WRITERS[type(node)](self, node)


_WRITERS: dict[type, object] = {}
# the branches written as one word, their tokens side by side: `.a.b.C`, `-1`
_WORDS = frozenset((t.CompoundIdent, t.Signed))


def writes(*kinds: type):  # type: ignore[no-untyped-def]
    def register(func):  # type: ignore[no-untyped-def]
        for kind in kinds:
            _WRITERS[kind] = func
        return func
    return register


def format_tree(root: t.Node) -> str:
    from . import layout  # noqa: F401  (registers the node writers)

    printer = Printer()
    layout.write_file(printer, root)
    return printer.text()
