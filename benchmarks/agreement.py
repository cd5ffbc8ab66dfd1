"""Do protopact and buf reach the same breaking verdicts on the mutated corpus?

Findings are compared as multisets of ``(path, line, column, rule)`` taken from each tool's
``--error-format json`` output of the same command; buf's findings are also checked against the
rule counts the corpus manifest expects.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

PAIRS = (
    ("src/img", "protopact breaking src/img", "buf breaking src/img"),
    ("img/img", "protopact breaking img/img", "buf breaking img/img"),
    ("src/src", "protopact breaking src/src", "buf breaking src/src"),
)

Key = tuple[str, int, int, str]


def findings(stdout: Path) -> Counter[Key]:
    """buf's JSON lines (one object per finding); lines that are not findings are ignored."""
    found: Counter[Key] = Counter()
    for line in stdout.read_text(errors="replace").splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and "type" in item:
            found[(item.get("path", ""), item.get("start_line", 0), item.get("start_column", 0),
                   item["type"])] += 1
    return found


def _by_rule(keys: Counter[Key]) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for key, n in keys.items():
        totals[key[3]] += n
    return dict(sorted(totals.items()))


def agreement(tools: Mapping[str, Mapping[str, object]], manifest: Mapping[str, object]
              ) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, ours, theirs in PAIRS:
        if ours not in tools or theirs not in tools:
            continue
        mine = findings(Path(str(tools[ours]["stdout_file"])))
        bufs = findings(Path(str(tools[theirs]["stdout_file"])))
        out[name] = {
            "protopact": sum(mine.values()),
            "buf": sum(bufs.values()),
            "both": sum((mine & bufs).values()),
            "only_protopact": _by_rule(mine - bufs),
            "only_buf": _by_rule(bufs - mine),
            "buf_matches_manifest": _by_rule(bufs) == manifest["expected_breaking"],
        }
    return out
