"""What every node of the formatter's syntax tree is: a token (:class:`.lexer.Token`, a leaf) or a
branch of nodes (:class:`.tree.Branch`). The lexer's tokens are the tree's leaves themselves, so
reading a file makes one object per token, not two."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .lexer import Token


class Node:
    """Not an ``abc.ABC``: an ``isinstance`` check against a class with ABCMeta goes through Python
    code, and the printer makes hundreds of thousands of them."""

    __slots__ = ()
    is_leaf = False  # cheaper to read than an isinstance() check

    def parts(self) -> list[Node | None]:
        return []

    def children(self) -> list[Node]:
        return [p for p in self.parts() if p is not None]

    if TYPE_CHECKING:  # Token and Branch each have their own
        def first(self) -> Token: ...

        def last(self) -> Token: ...
