"""``protopact format`` against ``buf format`` on the googleapis-sized corpus: equal output, and speed.

Two trees are formatted: the corpus as generated, and a copy with every line's indentation turned into
tabs (so both formatters rewrite every file). For each tree, ``protopact format TREE -o OUT`` (a fresh
empty cache every run, so protoc's compile is included) and ``buf format TREE -o OUT`` run alternately
in this one process, ``--runs`` times each; medians of wall time are compared (target: protopact ≤ 0.5×
buf). Every output file of protopact must equal buf's byte for byte; the benchmark fails otherwise.

    python benchmarks/format.py --scale 1 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import corpus
from measure import median, run_once

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET = 0.5


def _buf() -> str:
    found = shutil.which("buf") or str(REPO / "node_modules" / ".bin" / "buf")
    if not Path(found).exists():
        sys.exit("buf not found: run `make dev-tools` (installs @bufbuild/buf from npm)")
    return found


def tabbed(source: Path, target: Path) -> None:
    """``source`` copied with leading spaces made tabs (strings never span lines, so only layout
    changes)."""
    shutil.copytree(source, target)
    for path in target.rglob("*.proto"):
        lines = path.read_text("utf-8").splitlines(keepends=True)
        path.write_text("".join("\t" * ((len(line) - len(line.lstrip(" "))) // 2) + line.lstrip(" ")
                                for line in lines), "utf-8")


def differences(ours: Path, theirs: Path) -> list[str]:
    """Relative paths whose content differs (or exists on one side only)."""
    names = {p.relative_to(ours).as_posix() for p in ours.rglob("*.proto")}
    names |= {p.relative_to(theirs).as_posix() for p in theirs.rglob("*.proto")}
    return sorted(n for n in names if not (ours / n).is_file() or not (theirs / n).is_file()
                  or (ours / n).read_bytes() != (theirs / n).read_bytes())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "format.json")
    args = parser.parse_args(argv)
    buf = _buf()
    workdir = HERE / "corpus" / f"scale-{args.scale:g}"
    manifest = corpus.generate(args.scale, workdir, reuse=True)
    result: dict[str, object] = {"corpus": manifest["counts"], "runs": args.runs,
                                 "machine_note": "shared machine: alternating runs, medians"}
    failed = False
    with tempfile.TemporaryDirectory(prefix="protopact-bench-format-") as tmp:
        scratch = Path(tmp)
        trees = {"as generated": workdir / "current", "tab-indented": scratch / "tabbed"}
        tabbed(workdir / "current", trees["tab-indented"])
        for label, tree in trees.items():
            walls: dict[str, list[float]] = {"protopact": [], "buf": []}
            commands = {
                "protopact": [sys.executable, "-m", "protopact", "format", str(tree), "-o"],
                "buf": [buf, "format", str(tree), "-o"],
            }
            for round_ in range(args.runs):
                order = list(commands.items())[:: 1 if round_ % 2 else -1]
                for tool, argv_ in order:
                    out = scratch / f"{tool}-out"
                    shutil.rmtree(out, ignore_errors=True)
                    env = dict(os.environ, PROTOPACT_CACHE_DIR=tempfile.mkdtemp(dir=scratch))
                    sample = run_once([*argv_, str(out)], cwd=REPO, env=env,
                                      stdout=scratch / "stdout", stderr=scratch / "stderr",
                                      timeout_s=1800)
                    if sample.exit_code != 0:
                        sys.exit(f"{tool} format {label}: exit {sample.exit_code}: "
                                 f"{(scratch / 'stderr').read_text()[-500:]}")
                    walls[tool].append(sample.wall_s)
            differ = differences(scratch / "protopact-out", scratch / "buf-out")
            ratio = median(walls["protopact"]) / median(walls["buf"])
            files = sum(1 for _ in (scratch / "buf-out").rglob("*.proto"))
            result[label] = {"files": files, "differing_files": differ[:20],
                             "differing_count": len(differ),
                             "protopact_wall_s": [round(w, 3) for w in walls["protopact"]],
                             "buf_wall_s": [round(w, 3) for w in walls["buf"]],
                             "wall_ratio": round(ratio, 3)}
            print(f"{label}: {files} files, {len(differ)} differ from buf; protopact "
                  f"{median(walls['protopact']):.2f} s, buf {median(walls['buf']):.2f} s: "
                  f"{ratio:.2f}× (target ≤ {TARGET}×: {'met' if ratio <= TARGET else 'MISSED'})",
                  flush=True)
            failed = failed or bool(differ)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
