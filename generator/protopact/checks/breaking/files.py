"""Breaking rules over whole files and packages: deletion, package and syntax changes."""

from __future__ import annotations

from collections.abc import Iterator

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from ...schema import walk
from ..engine import BreakingContext
from ..findings import Finding, quote
from . import REGISTRY
from .adapters import Pairing, file_pairs, pair_rule, pairing, syntax


@REGISTRY.rule("FILE_NO_DELETE")
def file_no_delete(context: BreakingContext) -> Iterator[Finding]:
    """A deleted file breaks every import of it and every reference to its elements."""
    p = pairing(context)
    for name in p.previous.files:
        if name not in p.current.files:
            yield Finding("FILE_NO_DELETE", f'Previously present file "{name}" was deleted.', "",
                          against_file=name)


@REGISTRY.rule("PACKAGE_NO_DELETE")
def package_no_delete(context: BreakingContext) -> Iterator[Finding]:
    """A package whose every file is gone breaks every reference into it."""
    p = pairing(context)
    for package, files in p.previous.packages.items():
        if package not in p.current.packages:
            yield Finding("PACKAGE_NO_DELETE", f'Previously present package "{package}" was deleted.',
                          "", against_file=min(f.name for f in files))


def _same_value(p: Pairing, rule: str, what: str, before: str, after: str,
                cur: FileDescriptorProto, prev: FileDescriptorProto, path: tuple[int, ...]
                ) -> Iterator[Finding]:
    if before != after:
        yield p.finding(rule, f"File {what} changed from {quote(before)} to {quote(after)}.", cur, path,
                        against=prev)


@pair_rule(REGISTRY.rule, "FILE_SAME_PACKAGE", over=file_pairs)
def file_same_package(p: Pairing, prev: FileDescriptorProto, cur: FileDescriptorProto
                      ) -> Iterator[Finding]:
    """Moving a file to another package renames every element it declares."""
    yield from _same_value(p, "FILE_SAME_PACKAGE", "package", prev.package, cur.package, cur, prev,
                           walk.FILE_PACKAGE)


@pair_rule(REGISTRY.rule, "FILE_SAME_SYNTAX", over=file_pairs)
def file_same_syntax(p: Pairing, prev: FileDescriptorProto, cur: FileDescriptorProto
                     ) -> Iterator[Finding]:
    """A syntax change changes defaults: presence, enum openness, UTF-8 validation, JSON format."""
    yield from _same_value(p, "FILE_SAME_SYNTAX", "syntax", syntax(prev), syntax(cur), cur, prev,
                           walk.FILE_SYNTAX)
