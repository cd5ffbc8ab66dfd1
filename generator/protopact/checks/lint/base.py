"""What every lint rule shares: the files it may report on, and findings located by source path.

buf runs each rule over the whole image but reports only on non-import files, so rules iterate
:func:`targets`. A finding carries the element's source path so that ``// buf:lint:ignore`` comments on
it or on an enclosing declaration can silence it; its span is that path's location (1:1 when absent).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from ..engine import LintContext
from ..findings import Finding


def targets(ctx: LintContext) -> Iterator[FileDescriptorProto]:
    return ctx.image.target_files()


def at(ctx: LintContext, rule: str, file: FileDescriptorProto, path: Sequence[int],
       message: str) -> Finding:
    """A finding on the element at ``path`` of ``file``."""
    path = tuple(path)
    return Finding(rule, message, file.name, ctx.sources[file.name].span(path), path)


def file_level(rule: str, file: FileDescriptorProto, message: str) -> Finding:
    """A finding on the file as a whole: buf prints it at 1:1 and no comment can ignore it."""
    return Finding(rule, message, file.name)


def at_or_file(ctx: LintContext, rule: str, file: FileDescriptorProto, path: Sequence[int],
               present: bool, message: str) -> Finding:
    """On ``path`` when the file declares that element, else on the file (buf's "no location")."""
    return at(ctx, rule, file, path, message) if present else file_level(rule, file, message)


def directory(name: str) -> str:
    """Go's ``path.Dir`` for a module-relative file name: ``"."`` at the root."""
    return name.rsplit("/", 1)[0] if "/" in name else "."
