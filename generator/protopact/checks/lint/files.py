"""File rules: the syntax or edition is stated, never left to protoc's proto2 default."""

from __future__ import annotations

from collections.abc import Iterator

from ...schema import walk
from ..engine import LintContext
from ..findings import Finding
from . import REGISTRY
from .base import file_level, targets


@REGISTRY.rule("SYNTAX_SPECIFIED")
def syntax_specified(ctx: LintContext) -> Iterator[Finding]:
    """Every file has a ``syntax`` or ``edition`` statement."""
    for file in targets(ctx):
        if file.syntax:  # "proto3" or "editions": protoc records only what the file declared
            continue
        index = ctx.sources[file.name]
        # protoc leaves ``syntax`` empty for proto2 either way; the statement's location tells.
        if index.location(walk.FILE_SYNTAX) is None and index.location(walk.FILE_EDITION) is None:
            yield file_level("SYNTAX_SPECIFIED", file,
                             "Files must have a syntax explicitly specified. If no syntax is "
                             'specified, the file defaults to "proto2".')
