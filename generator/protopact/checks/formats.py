"""Output formats for findings: buf's (byte-compatible) plus SARIF 2.1.0 and a Markdown PR comment.

Only the SARIF and Markdown formats show protopact's versioning advice; buf's formats never do.

Each format is a function from the sorted findings to the whole text written to stdout.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Callable, Sequence

from .. import __version__
from .findings import Reported, Row, as_reported

if TYPE_CHECKING:
    from .engine import Outcome

NO_PATH = "<input>"


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_string = json.encoder.encode_basestring  # a string as _COMPACT writes it


def _go_json(value: object) -> str:
    """JSON as Go's encoding/json writes it: compact, and <, >, & escaped."""
    return _go_escaped(_COMPACT.encode(value))


def _go_escaped(text: str) -> str:
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def _path(f: Reported) -> str:
    return f.path or NO_PATH


def _where(f: Reported) -> str:
    line, column, _, _ = f.shown_span
    return f"{_path(f)}:{line}:{column}"


def text(findings: Sequence[Reported]) -> str:
    return "".join(f"{_where(f)}:{f.message}\n" for f in findings)


def json_lines(findings: Sequence[Reported]) -> str:
    lines = []
    for f in findings:
        # each record as _COMPACT writes it, built by hand: a quarter of the cost, which counts
        # when a lint prints some 16,000 findings
        start_line, start_column, end_line, end_column = f.shown_span
        lines.append(f'{{"path":{_string(f.path)},' if f.path else "{")
        lines.append(f'"start_line":{start_line},"start_column":{start_column},'
                     f'"end_line":{end_line},"end_column":{end_column},'
                     f'"type":{_string(f.type)},"message":{_string(f.message)}}}\n')
    # escaped once over the whole text: the escapes never meet a line break
    return _go_escaped("".join(lines))


def msvs(findings: Sequence[Reported]) -> str:
    return "".join(
        f"{_path(f)}({f.shown_span[0]},{f.shown_span[1]}) : error {f.type} : {f.message}\n"
        for f in findings
    )


def github_actions(findings: Sequence[Reported]) -> str:
    out = []
    for f in findings:
        # buf prints only the positions it has: a column needs its line, an end needs a start.
        where = ""
        if f.start_line > 0:
            where += f",line={f.start_line}" + (f",col={f.start_column}" if f.start_column > 0 else "")
            if f.end_line > 0:
                where += f",endLine={f.end_line}" + (
                    f",endColumn={f.end_column}" if f.end_column > 0 else "")
        out.append(f"::error file={_path(f)}{where}::{f.message}\n")
    return "".join(out)


def _xml_attr(value: str) -> str:
    # imported here: xml.sax brings urllib and http (20 ms) onto every lint's start
    from xml.sax.saxutils import escape as xml_escape

    # Go's xml.EscapeText escapes quotes numerically; buf's junit output does the same.
    return xml_escape(value, {'"': "&#34;", "'": "&#39;", "\t": "&#x9;", "\n": "&#xA;"})


def junit(findings: Sequence[Reported]) -> str:
    if not findings:
        return ""  # buf prints nothing at all, not an empty <testsuites>
    suites: dict[str, list[Reported]] = {}
    for f in findings:
        suites.setdefault(_path(f).removesuffix(".proto"), []).append(f)
    out = ["<testsuites>\n"]
    for name, items in suites.items():
        out.append(f'  <testsuite name="{_xml_attr(name)}" tests="{len(items)}" '
                   f'failures="{len(items)}" errors="0">\n')
        for f in items:
            line = f"{_where(f)}:{f.message}"
            name = f.type + (f"_{f.start_line}_{f.start_column}" if f.start_column else
                             f"_{f.start_line}" if f.start_line else "")
            out.append(f'    <testcase name="{_xml_attr(name)}">\n')
            out.append(f'      <failure message="{_xml_attr(line)}" type="{_xml_attr(f.type)}">'
                       "</failure>\n")
            out.append("    </testcase>\n")
        out.append("  </testsuite>\n")
    out.append("</testsuites>\n")
    return "".join(out)


def gitlab_code_quality(findings: Sequence[Reported]) -> str:
    if not findings:
        return ""

    def position(line: int, column: int) -> dict[str, int]:
        # Go's omitempty: a missing position is an empty object
        return {k: v for k, v in (("line", line), ("column", column)) if v}

    entries = []
    for f in findings:
        location: dict[str, object] = {"path": f.path} if f.path else {}
        location["positions"] = {"begin": position(f.start_line, f.start_column),
                                 "end": position(f.end_line, f.end_column)}
        entry: dict[str, object] = {"description": f.message, "check_name": f.type,
                                    "location": location, "severity": "minor"}
        # buf's fingerprint: SHAKE256 (64 bytes) of the entry's own JSON, fingerprint left out
        fingerprint = hashlib.shake_256(_go_json(entry).encode()).hexdigest(64)
        entries.append({"description": f.message, "check_name": f.type,
                        "fingerprint": fingerprint, "location": location, "severity": "minor"})
    return _go_json(entries) + "\n"


def _with_advice(f: Reported) -> str:
    return f"{f.message} {f.advice}" if f.advice else f.message


def sarif(findings: Sequence[Reported]) -> str:
    rules = sorted({f.type for f in findings})
    results = []
    for f in findings:
        result: dict[str, object] = {
            "ruleId": f.type,
            "ruleIndex": rules.index(f.type),
            "level": "error",
            "message": {"text": _with_advice(f)},
        }
        if f.path:
            result["locations"] = [{"physicalLocation": {
                "artifactLocation": {"uri": f.path},
                "region": dict(zip(("startLine", "startColumn", "endLine", "endColumn"),
                                   f.shown_span))}}]
        results.append(result)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "protopact",
                "version": __version__,
                "informationUri": "https://pypi.org/project/protopact/",
                "rules": [{"id": r} for r in rules],
            }},
            "results": results,
        }],
    }
    return json.dumps(document, indent=2) + "\n"


def markdown(findings: Sequence[Reported]) -> str:
    import html  # imported here: only this format escapes HTML, and html costs 2 ms to import

    if not findings:
        return "No findings.\n"

    def cell(value: str) -> str:
        # Text from a .proto must not become HTML or break the table.
        return html.escape(value, quote=False).replace("|", "\\|").replace("\n", " ")

    noun = "finding" if len(findings) == 1 else "findings"
    lines = [f"**{len(findings)} {noun}**", "", "| Location | Rule | Message |", "| --- | --- | --- |"]
    for f in findings:
        where = f"`{cell(_where(f))}`"
        advice = f"<br>**Advice:** {cell(f.advice)}" if f.advice else ""
        lines.append(f"| {where} | `{f.type}` | {cell(f.message)}{advice} |")
    return "\n".join(lines) + "\n"


def config_ignore_yaml(findings: Sequence[Reported]) -> str:
    """buf's lint-only format: an ``ignore_only`` section that silences exactly these findings."""
    if not findings:
        return ""
    by_rule: dict[str, set[str]] = {}
    for f in findings:
        by_rule.setdefault(f.type, set()).add(f.path)
    lines = ["version: v1", "lint:", "  ignore_only:"]
    for rule in sorted(by_rule):
        lines.append(f"    {rule}:")
        lines += [f"      - {path}" for path in sorted(by_rule[rule])]
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Sequence[Reported]], str]] = {
    "text": text,
    "json": json_lines,
    "msvs": msvs,
    "junit": junit,
    "github-actions": github_actions,
    "gitlab-code-quality": gitlab_code_quality,
    "sarif": sarif,
    "markdown": markdown,
    "config-ignore-yaml": config_ignore_yaml,
}

# The formats whose text is each finding's in turn: the text of findings in order is their files'
# texts in the order of the files' paths (see findings.Block)
CONCATENATED = frozenset({"text", "json", "msvs", "github-actions"})


def rows_text(rows: Sequence[Row], error_format: str) -> str:
    return FORMATS[error_format](list(map(as_reported, rows)))


def printed(outcome: Outcome, error_format: str) -> str:
    """The outcome's findings in ``error_format``: a block's text kept from the lint that showed
    it, where the format allows."""
    if error_format not in CONCATENATED:
        return FORMATS[error_format](outcome.findings)
    return "".join([b.texts.get(error_format) or rows_text(b.rows, error_format)
                    for b in outcome.blocks])
