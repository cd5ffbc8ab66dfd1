"""Rewriting the imports of protoc's Python output to live inside one package.

protoc names modules after proto paths (``protopact/v1/events.proto`` -> ``protopact.v1.events_pb2``)
and imports them absolutely, which only works when the output directory is on ``sys.path``. Placed
under a top-level package ``root``, every import of a *generated* module is prefixed with ``root.``;
imports of anything else (``google.protobuf``, ``google.api`` from googleapis-common-protos, ``grpc``)
are left alone. The rewrite works on the syntax tree (``ast``), so docstrings copied from .proto
comments are never touched, apart from the one string protoc passes as the module's own name.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet

_FROM = re.compile(r"from\s+")
# Where the import header of generated code ends: protoc writes every import and its module-name
# string before the first top-level class or def, or its C-descriptor block. Parsing only the
# header keeps the rewrite cheap on large trees.
_BODY = ("class ", "def ", "if not _descriptor._USE_C_DESCRIPTORS")
# protoc's serialized descriptor: one line, most of a header, never rewritten, so not parsed.
_SERIALIZED = "DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile("


def _body(source: str) -> int:
    """Where the first line starting with one of ``_BODY`` starts, or -1 (``str.find``: a regular
    expression took three times as long over 8,880 modules)."""
    if source.startswith(_BODY):
        return 0
    found = [at + 1 for start in _BODY if (at := source.find("\n" + start)) >= 0]
    return min(found, default=-1)


def _without_serialized(header: str) -> str:
    at = header.find("\n" + _SERIALIZED)
    if at < 0:
        return header
    end = header.find("\n", at + 1)
    return f"{header[:at + 1 + len(_SERIALIZED)]}b''){header[end:] if end >= 0 else ''}"


def _header(source: str) -> tuple[ast.Module, str]:
    """The syntax tree of the header and the header, or of the whole module when the cut is not a
    statement boundary (a docstring line that happens to start with ``class``)."""
    body = _body(source)
    if body >= 0:
        header = source[:body]
        try:
            return ast.parse(_without_serialized(header)), header
        except SyntaxError:
            pass
    return ast.parse(source), source


def module_name(path: str) -> str:
    """``protopact/v1/events_pb2.py`` -> ``protopact.v1.events_pb2``."""
    return path.rsplit(".", 1)[0].replace("/", ".")


def packages_of(modules: AbstractSet[str]) -> frozenset[str]:
    """Every package that holds one of ``modules``: ``a.b.c_pb2`` -> ``a``, ``a.b``."""
    out: set[str] = set()
    for name in modules:
        parts = name.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return frozenset(out)


def rewrite_imports(source: str, *, module: str, root: str, modules: AbstractSet[str],
                    packages: AbstractSet[str] | None = None) -> str:
    """Prefix with ``root.`` every import of a name in ``modules`` (generated modules).

    ``module`` is the rewritten file's own module name (before prefixing); ``packages`` is
    ``packages_of(modules)``, passed in when many files share one set of modules.
    """
    packages = packages_of(modules) if packages is None else packages
    tree, parsed = _header(source)
    lines = parsed.splitlines(keepends=True)  # the same lines as the source's, up to the cut
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(lineno: int, col_offset: int) -> int:
        # ast columns count UTF-8 bytes; the edits count characters.
        return starts[lineno - 1] + len(lines[lineno - 1].encode()[:col_offset].decode())

    edits: list[tuple[int, int, str]] = []  # (start offset, end offset, replacement)
    for node in _module_level(tree.body):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and \
                _imports_generated(node, modules, packages, module):
            assert node.module is not None
            start = offset(node.lineno, node.col_offset)
            found = _FROM.match(source, start)
            begin = found.end() if found else -1
            edits.append(_edit(source, begin, node.module, f"{root}.{node.module}", module))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name not in modules:
                    continue
                if alias.asname is None:
                    raise ValueError(f"{module}: unaliased import of generated module {alias.name}")
                begin = offset(alias.lineno, alias.col_offset)
                edits.append(_edit(source, begin, alias.name, f"{root}.{alias.name}", module))
        elif isinstance(node, ast.Constant) and node.value == module:
            begin = offset(node.lineno, node.col_offset)
            end = offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
            edits.append((begin, end, repr(f"{root}.{module}")))
    rewritten = source
    for first, last, text in sorted(edits, reverse=True):
        rewritten = rewritten[:first] + text + rewritten[last:]
    return rewritten


def _imports_generated(node: ast.ImportFrom, modules: AbstractSet[str],
                       packages: AbstractSet[str], module: str) -> bool:
    """Whether ``from X import a`` names generated code. ``X`` being a generated package is not
    enough: googleapis' ``google.api`` holds generated sub-packages (``google.api.apikeys``) and
    the modules googleapis-common-protos provides (``google.api.annotations_pb2``)."""
    if node.module is None:
        return False
    if node.module in modules:
        return True
    if node.module not in packages:
        return False
    names = {f"{node.module}.{alias.name}" for alias in node.names}
    generated = {name in modules or name in packages for name in names}
    if len(generated) > 1:
        raise ValueError(f"{module}: one import of {node.module} names generated and installed "
                         "modules")
    return generated == {True}


def _module_level(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Module-level statements (inside ``if``/``try`` too) and the arguments of module-level calls:
    where generated code imports, and where protoc names the module. Class bodies are skipped."""
    for statement in body:
        yield statement
        if isinstance(statement, ast.If | ast.Try):
            yield from _module_level(statement.body + statement.orelse)
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            yield from statement.value.args


def _edit(source: str, begin: int, old: str, new: str, module: str) -> tuple[int, int, str]:
    if begin < 0 or source[begin:begin + len(old)] != old:
        raise ValueError(f"{module}: unexpected layout of the import of {old}")
    return begin, begin + len(old), new
