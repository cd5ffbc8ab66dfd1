"""``protopact rules``: the rule reference, generated from a registry."""

from __future__ import annotations

import json

from .registry import Registry


def render_rules(registry: Registry, *, version: str, fmt: str) -> str:
    rules = [r for r in registry.rules() if r.row.versions.get(version) is not None]
    if fmt == "json":
        return "".join(
            json.dumps({
                "id": r.id,
                "categories": list(r.row.versions[version].categories),  # type: ignore[union-attr]
                "default": r.row.versions[version].default,  # type: ignore[union-attr]
                "purpose": r.row.purpose,
                "origin": r.row.origin,
                "deprecated": r.row.deprecated,
                "replacements": list(r.row.replacements),
                "implemented": r.implemented,
                "filter": r.filter is not None,
            }) + "\n"
            for r in rules
        )
    lines = [f"# {registry.kind} rules (buf.yaml {version})", "",
             "| ID | Categories | Default | Purpose |", "| --- | --- | --- | --- |"]
    for r in rules:
        membership = r.row.versions[version]
        assert membership is not None
        notes = []
        if r.row.deprecated:
            notes.append("deprecated" + (f", use {', '.join(r.row.replacements)}" if r.row.replacements else ""))
        if not r.implemented and not r.row.deprecated:
            notes.append("not implemented")
        if r.row.origin != "buf":
            notes.append("protopact")
        if r.filter is not None:
            notes.append("filter: drops other rules' findings, reports none")
        purpose = r.row.purpose + (f" ({'; '.join(notes)})" if notes else "")
        lines.append(f"| `{r.id}` | {', '.join(membership.categories) or '-'} | "
                     f"{'yes' if membership.default else 'no'} | {purpose} |")
    return "\n".join(lines) + "\n"
