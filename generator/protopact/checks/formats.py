"""Output formats for findings: buf's (byte-compatible) plus SARIF 2.1.0 and a Markdown PR comment.

Only the SARIF and Markdown formats show protopact's versioning advice; buf's formats never do.

Each format is a function from the sorted findings to the whole text written to stdout.
"""

from __future__ import annotations

import hashlib
import html
import json
from typing import Callable, Sequence
from xml.sax.saxutils import escape as xml_escape

from .. import __version__
from .findings import Reported

NO_PATH = "<input>"


def _go_json(value: object) -> str:
    """JSON as Go's encoding/json writes it: compact, and <, >, & escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def _path(f: Reported) -> str:
    return f.path or NO_PATH


def text(findings: Sequence[Reported]) -> str:
    return "".join(f"{_path(f)}:{f.start_line}:{f.start_column}:{f.message}\n" for f in findings)


def json_lines(findings: Sequence[Reported]) -> str:
    lines = []
    for f in findings:
        record: dict[str, object] = {"path": f.path} if f.path else {}
        record.update(start_line=f.start_line, start_column=f.start_column, end_line=f.end_line,
                      end_column=f.end_column, type=f.type, message=f.message)
        lines.append(_go_json(record) + "\n")
    return "".join(lines)


def msvs(findings: Sequence[Reported]) -> str:
    return "".join(
        f"{_path(f)}({f.start_line},{f.start_column}) : error {f.type} : {f.message}\n"
        for f in findings
    )


def github_actions(findings: Sequence[Reported]) -> str:
    out = []
    for f in findings:
        out.append(
            f"::error file={_path(f)},line={f.start_line},col={f.start_column},"
            f"endLine={f.end_line},endColumn={f.end_column}::{f.message}\n"
        )
    return "".join(out)


def _xml_attr(value: str) -> str:
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
            line = f"{_path(f)}:{f.start_line}:{f.start_column}:{f.message}"
            out.append(f'    <testcase name="{_xml_attr(f.type)}_{f.start_line}_{f.start_column}">\n')
            out.append(f'      <failure message="{_xml_attr(line)}" type="{_xml_attr(f.type)}">'
                       "</failure>\n")
            out.append("    </testcase>\n")
        out.append("  </testsuite>\n")
    out.append("</testsuites>\n")
    return "".join(out)


def gitlab_code_quality(findings: Sequence[Reported]) -> str:
    if not findings:
        return ""
    entries = []
    for f in findings:
        fingerprint = hashlib.sha512(
            f"{f.path}{f.start_line}{f.start_column}{f.end_line}{f.end_column}{f.type}{f.message}".encode()
        ).hexdigest()
        entries.append({
            "description": f.message,
            "check_name": f.type,
            "fingerprint": fingerprint,
            "location": {"path": f.path, "positions": {
                "begin": {"line": f.start_line, "column": f.start_column},
                "end": {"line": f.end_line, "column": f.end_column}}},
            "severity": "minor",
        })
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
                "region": {"startLine": f.start_line, "startColumn": f.start_column,
                           "endLine": f.end_line, "endColumn": f.end_column}}}]
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
    if not findings:
        return "No findings.\n"

    def cell(value: str) -> str:
        # Text from a .proto must not become HTML or break the table.
        return html.escape(value, quote=False).replace("|", "\\|").replace("\n", " ")

    noun = "finding" if len(findings) == 1 else "findings"
    lines = [f"**{len(findings)} {noun}**", "", "| Location | Rule | Message |", "| --- | --- | --- |"]
    for f in findings:
        where = f"`{cell(_path(f))}:{f.start_line}:{f.start_column}`"
        advice = f"<br>**Advice:** {cell(f.advice)}" if f.advice else ""
        lines.append(f"| {where} | `{f.type}` | {cell(f.message)}{advice} |")
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
}
