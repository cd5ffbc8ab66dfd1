"""``protopact lint --fix``: mechanical rewrites located by descriptor source spans, nothing else.

Two rewrites exist: removing the imports that ``IMPORT_USED`` reports, and (given a baseline) adding
``reserved`` statements for the field and enum-value numbers and names the baseline had and the
current file lost. Every other byte of a file stays as it was: edits are insertions and deletions at
offsets computed from spans, applied back to front, and a file without edits is not written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from google.protobuf.descriptor_pb2 import DescriptorProto, EnumDescriptorProto, FileDescriptorProto

from ..compile.columns import byte_offset
from ..compile.inputs import Input
from ..schema import walk
from ..schema.source import Sources, Span, span_of
from .findings import Reported


@dataclass(frozen=True, order=True)
class Edit:
    """Replace bytes ``start:end`` of a file with ``text`` (an insertion when they are equal)."""

    start: int
    end: int
    text: bytes


def _line_start(lines: Sequence[bytes], line: int) -> int:
    return sum(len(text) for text in lines[: line - 1])


def _offset(lines: Sequence[bytes], line: int, column: int) -> int:
    """Byte offset of a 1-based (line, column) as the Image counts columns (buf's count)."""
    return _line_start(lines, line) + byte_offset(lines[line - 1], column)


def _removal(lines: Sequence[bytes], span: Span, trailing_comment: bool) -> Edit:
    """Delete a statement; its whole line when nothing but its own trailing comment shares it."""
    start = _offset(lines, span.start_line, span.start_column)
    end = _offset(lines, span.end_line, span.end_column)
    line_start, line_end = _line_start(lines, span.start_line), _line_start(lines, span.end_line + 1)
    joined = b"".join(lines)
    rest = joined[end:line_end].strip()
    if not joined[line_start:start].strip() and (not rest or trailing_comment and rest.startswith(b"//")):
        return Edit(line_start, line_end, b"")
    return Edit(start, end, b"")


def _apply(data: bytes, edits: Iterable[Edit]) -> bytes:
    for edit in sorted(set(edits), reverse=True):
        data = data[: edit.start] + edit.text + data[edit.end:]
    return data


def unused_import_edits(file: FileDescriptorProto, sources: Sources, lines: Sequence[bytes],
                        spans: set[tuple[int, int]]) -> Iterator[Edit]:
    """Removals of the imports whose statement starts at one of ``spans`` (line, column)."""
    removals = []
    for index in range(len(file.dependency)):
        location = sources[file.name].location((walk.FILE_DEPENDENCY, index))
        span = span_of(location) if location is not None else None
        if span is not None and (span.start_line, span.start_column) in spans:
            trailing = bool(location.trailing_comments)  # type: ignore[union-attr]
            removals.append(_removal(lines, span, trailing))
    yield from _without_double_blank(b"".join(lines), removals)


def _without_double_blank(data: bytes, removals: list[Edit]) -> Iterator[Edit]:
    """``removals``, adjacent ones merged; a block of whole lines between two blank lines (every
    import of a formatted file) takes one of them along, so no two blank lines are left."""
    merged: list[Edit] = []
    for edit in sorted(set(removals)):
        if merged and merged[-1].end == edit.start:
            merged[-1] = Edit(merged[-1].start, edit.end, b"")
        else:
            merged.append(edit)
    for edit in merged:
        whole_lines = (edit.start == 0 or data[edit.start - 1:edit.start] == b"\n") and \
            data[edit.end - 1:edit.end] == b"\n"
        blank_before = edit.start == 0 or data[:edit.start].rstrip(b" \t").endswith(b"\n\n")
        next_line_end = data.find(b"\n", edit.end)
        if whole_lines and blank_before and next_line_end >= 0 and \
                not data[edit.end:next_line_end].strip():
            edit = Edit(edit.start, next_line_end + 1, b"")
        yield edit


def reserved_statements(numbers: list[int], names: list[str], *, editions: bool) -> list[str]:
    """``reserved`` statements for numbers and names (Editions reserve names as identifiers)."""
    statements = []
    if numbers:
        statements.append("reserved " + ", ".join(str(n) for n in sorted(numbers)) + ";")
    if names:
        quoted = names if editions else [f'"{n}"' for n in names]
        statements.append("reserved " + ", ".join(sorted(quoted)) + ";")
    return statements


def _insertion(lines: Sequence[bytes], span: Span, statements: list[str]) -> Edit:
    """Statements placed just before the closing brace that ends ``span``."""
    brace = _offset(lines, span.end_line, span.end_column) - 1
    line_start = _line_start(lines, span.end_line)
    if lines[span.end_line - 1][: brace - line_start].strip():  # `message A { ... }` on one line
        return Edit(brace, brace, (" ".join(statements) + " ").encode())
    start_line = lines[span.start_line - 1]
    indent = start_line[: len(start_line) - len(start_line.lstrip())].decode() + "  "
    text = "".join(f"{indent}{s}\n" for s in statements)
    return Edit(line_start, line_start, text.encode())


def _lost(previous: DescriptorProto | EnumDescriptorProto, current: DescriptorProto | EnumDescriptorProto,
          ) -> tuple[list[int], list[str]]:
    """Numbers and names the baseline had that the current element neither uses nor reserves."""
    items = "field" if isinstance(current, DescriptorProto) else "value"
    used_numbers = {i.number for i in getattr(current, items)}
    used_names = {i.name for i in getattr(current, items)} | set(current.reserved_name)

    def reserved(number: int) -> bool:
        # message ranges are end-exclusive, enum ranges end-inclusive
        inclusive = 0 if isinstance(current, DescriptorProto) else 1
        return any(r.start <= number < r.end + inclusive for r in current.reserved_range)

    numbers, names = [], []
    for item in getattr(previous, items):
        if item.number not in used_numbers and not reserved(item.number):
            numbers.append(item.number)
        if item.name not in used_names:
            names.append(item.name)
    return numbers, names


def reserved_edits(file: FileDescriptorProto, baseline: Mapping[str, object], sources: Sources,
                   lines: Sequence[bytes]) -> Iterator[Edit]:
    """``reserved`` statements for what each message and enum lost since ``baseline``."""
    elements: list[tuple[str, tuple[int, ...], DescriptorProto | EnumDescriptorProto]] = []
    elements += [(m.full_name, m.path, m.message) for m in walk.messages(file)
                 if not m.message.options.map_entry]
    elements += [(e.full_name, e.path, e.enum) for e in walk.enums(file)]
    for full_name, path, current in elements:
        previous = baseline.get(full_name)
        if type(previous) is not type(current):
            continue
        numbers, names = _lost(previous, current)  # type: ignore[arg-type]
        span = sources[file.name].span(path)
        if span is not None and (numbers or names):
            yield _insertion(lines, span, reserved_statements(numbers, names,
                                                         editions=file.syntax == "editions"))


def _baseline_elements(baseline: Input) -> dict[str, object]:
    out: dict[str, object] = {}
    for file in baseline.image.files:
        out.update((m.full_name, m.message) for m in walk.messages(file))
        out.update((e.full_name, e.enum) for e in walk.enums(file))
    return out


def fix(source: Input, findings: Sequence[Reported], root: Path, baseline: Input | None) -> list[Path]:
    """Rewrite the target files of ``source`` (a directory under ``root``); the files changed."""
    sources = Sources(source.image.files, source.image.encoded)
    by_shown = {source.image.shown(name): name for name in source.image.targets}
    unused: dict[str, set[tuple[int, int]]] = {}
    for finding in findings:
        if finding.type == "IMPORT_USED" and finding.path in by_shown:
            unused.setdefault(by_shown[finding.path], set()).add((finding.start_line, finding.start_column))
    previous = _baseline_elements(baseline) if baseline is not None else {}
    changed = []
    for file in source.image.target_files():
        path = root / source.module(file.name).path / file.name
        data = path.read_bytes()
        lines = data.splitlines(keepends=True)
        edits = list(unused_import_edits(file, sources, lines, unused.get(file.name, set())))
        edits += reserved_edits(file, previous, sources, lines)
        if edits:
            path.write_bytes(_apply(data, edits))
            changed.append(path)
    return changed
