"""An image pruned to some types, as buf prunes it for ``buf.gen.yaml``'s ``types`` and
``exclude_types``.

A name is a message, an enum, a service, a method, an extension or a package (all its files). The
pruned image keeps the named types and what they need: the types of their fields, the inputs and
outputs of their methods, the custom options they and their enclosing elements use (with the option
types), the extensions of the messages they reach, and the messages they are nested in (those only
as a namespace: without fields, ranges or comments). ``exclude_types`` removes types, and the fields
and methods that use them, from whatever is kept (with no ``types``: from every file). A file left
with none of the types is dropped, an import no file still imports too; a changed file's imports
are the ones it still needs (public imports become plain ones) and its source info follows its
elements' new positions.

The pruning mirrors buf's own (its ``bufimageutil`` package) decision for decision, quirks included:
an enum anywhere in a file counts as a change to it, so that buf's plugins and protopact's see the
same request. Pure functions over descriptors; nothing here reads or writes files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from google.protobuf import descriptor_pb2 as d

from ...errors import ProtopactError
from .closure import EXCLUDED, Closure, Index
from .remap import Remap


def pruned(files: Sequence[d.FileDescriptorProto], imports: frozenset[str],
           include: Iterable[str] = (), exclude: Iterable[str] = ()
           ) -> list[d.FileDescriptorProto]:
    """``files`` (in dependency order; ``imports`` names those that are not targets) pruned to
    ``include`` less ``exclude``; an unknown name, an included one only the imports declare, and
    one both included and excluded are refused, in buf's words."""
    include, exclude = list(dict.fromkeys(include)), list(dict.fromkeys(exclude))
    if not include and not exclude:
        return list(files)
    index = Index(files)
    closure = Closure(index)
    for name in exclude:
        for element in index.named(name, imports, "exclusion"):
            closure.exclude(element)
    for name in include:
        for element in index.named(name, imports, "inclusion"):
            if closure.mode(element) == EXCLUDED:
                raise ProtopactError(f'inclusion of type "{name}": type excluded by filter')
            closure.add(element, "", False)
    if not include:
        for f in files:
            if f.name not in imports:
                closure.add(f, "", False)
    closure.add_extensions()
    kept: list[d.FileDescriptorProto] = []
    imported: set[str] = set()
    for f in reversed(files):
        if f.name in imports and f.name not in imported:
            continue
        new = Remap(index, closure, bool(include)).file(f)
        if new is None:
            if f.name in imported:
                raise ProtopactError(f"{f.name}: imported, but pruned away by types")
            continue
        imported.update(new.dependency)
        kept.append(new)
    return kept[::-1]
