"""Ratios against baselines and the Markdown form of ``results.json``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Comparison:
    """``ours`` over ``baseline``; ``wall``/``memory`` are the targets (max ratio), if any."""

    name: str
    ours: str
    baseline: str
    wall: float | None = None
    memory: float | None = None

    def evaluate(self, tools: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
        ours, base = tools[self.ours], tools.get(self.baseline)
        row: dict[str, Any] = {"name": self.name, "ours": self.ours, "baseline": self.baseline,
                               "target_wall": self.wall, "target_memory": self.memory}
        if base is None:
            return row | {"status": "baseline not measured"}
        wall = ours["median_wall_s"] / base["median_wall_s"]
        memory = ours["median_max_rss_mb"] / base["median_max_rss_mb"]
        # CPU time is less disturbed than wall time on a shared machine; older results lack it
        # (None, not NaN, which strict JSON readers refuse)
        cpu = (round(ours["median_cpu_s"] / base["median_cpu_s"], 3)
               if "median_cpu_s" in ours and "median_cpu_s" in base else None)
        failed = any(c not in (0, 100) for c in ours["exit_codes"] + base["exit_codes"])
        met = (self.wall is None or wall <= self.wall) and (self.memory is None or memory <= self.memory)
        status = "command failed" if failed else ("no target" if self.wall is None and
                                                   self.memory is None else
                                                   "met" if met else "missed")
        return row | {"wall_ratio": round(wall, 3), "memory_ratio": round(memory, 3),
                      "cpu_ratio": cpu, "status": status}


def _target(row: Mapping[str, Any]) -> str:
    parts = []
    if row["target_wall"] is not None:
        parts.append(f"wall ≤ {row['target_wall']}×")
    if row["target_memory"] is not None:
        parts.append(f"mem ≤ {row['target_memory']}×")
    return ", ".join(parts) or "–"


def markdown(doc: Mapping[str, Any]) -> str:
    counts = doc["corpus"]["previous"]
    lines = [
        f"# Benchmarks (scale {doc['scale']:g}, {doc['runs']} runs each, medians)",
        "",
        (f"Corpus: {counts['files']:,} files, {counts['packages']:,} packages, "
         f"{counts['messages']:,} messages, {counts['fields']:,} fields, {counts['enums']:,} enums, "
         f"{counts['enum_values']:,} enum values, {counts['services']:,} services, "
         f"{counts['rpcs']:,} RPCs ({counts['rpcs_with_http']:,} with google.api.http)."),
        (f"Machine: {doc['machine']['cpus']} CPUs, Python {doc['machine']['python']}, "
         f"buf {doc['machine']['buf']}, {doc['machine']['protopact'].splitlines()[0]}."),
        "",
        "| Command | cache | median wall (s) | median CPU (s) | peak RSS (MB) | exit codes |",
        "|---|---|---:|---:|---:|---|",
    ]
    for group in doc["groups"].values():
        for label, data in group.items():
            note = f" ({data['stderr_tail'].splitlines()[-1][:80]})" if data["stderr_tail"] else ""
            cpu = data.get("median_cpu_s")
            lines.append(f"| {label} | {data['cache']} | {data['median_wall_s']:.2f} | "
                         f"{_figure(cpu, '.2f')} | {data['median_max_rss_mb']:.0f} | "
                         f"{data['exit_codes']}{note} |")
    lines += ["", "| Comparison | wall ratio | CPU ratio | memory ratio | target | status |",
              "|---|---:|---:|---:|---|---|"]
    for row in doc["comparisons"]:
        wall, cpu, memory = (_figure(row.get(k), ".2f", "×")
                             for k in ("wall_ratio", "cpu_ratio", "memory_ratio"))
        lines.append(f"| {row['name']} | {wall} | {cpu} | {memory} | {_target(row)} | "
                     f"{row['status']} |")
    if doc["agreement"]:
        lines += ["", ("| Breaking verdicts | protopact | buf | both | only protopact | only buf | "
                       "buf = manifest |"), "|---|---:|---:|---:|---|---|---|"]
        for name, a in doc["agreement"].items():
            lines.append(f"| {name} | {a['protopact']} | {a['buf']} | {a['both']} | "
                         f"{_rules(a['only_protopact'])} | {_rules(a['only_buf'])} | "
                         f"{'yes' if a['buf_matches_manifest'] else 'no'} |")
    lines += ["", f"Gateway latency: {doc['gateway']}.", ""]
    return "\n".join(lines)


def _figure(value: float | None, spec: str, unit: str = "") -> str:
    """``value`` formatted, or a dash where it was not measured."""
    return "–" if value is None else f"{value:{spec}}{unit}"


def _rules(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{rule} {n}" for rule, n in counts.items()) or "–"
