"""``protopact format`` against ``buf format`` on the googleapis-sized corpus: equal output, and speed.

Two trees are formatted: the corpus as generated, and a copy with every line's indentation turned into
tabs (so both formatters rewrite every file). For each tree, ``protopact format TREE -o OUT`` with a
fresh empty cache (so protoc's compile is included), the same with a warm cache (the compile is a
cache hit, as after a ``build`` or ``lint`` of the tree) and ``buf format TREE -o OUT`` run
alternately in this one process, ``--runs`` times each; medians of wall time and of CPU time (user +
system, children included) are compared (target: protopact ≤ 0.5× buf's wall time). Every output file
of protopact must equal buf's byte for byte; the benchmark fails otherwise.

Each run writes a tree of its own, and nothing is deleted until the end, in a scratch directory beside
the corpus (not in the shared temporary directory): on ext4 without a journal, making an inode skips
every inode of its group deleted in the last minute or more, one block lookup each, so a run that
follows the deletion of the previous run's 7,843 files and directories (or other programs' churn in
/tmp) paid 2-10 CPU-s of kernel time that neither formatter causes, climbing from run to run.

    python benchmarks/format.py --scale 1 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path

import corpus
from measure import bytecode_compiled, median, run_once

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


def _run(argv: list[str], scratch: Path, cache: str, label: str, out: str) -> tuple[float, float]:
    """One run writing to ``scratch/out``, which must not exist yet (see above): its wall time
    and CPU time (user + system, children included)."""
    target = scratch / out
    assert not target.exists(), target
    env = dict(os.environ, PROTOPACT_CACHE_DIR=cache)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sample = run_once([*argv, str(target)], cwd=REPO, env=env, stdout=scratch / "stdout",
                      stderr=scratch / "stderr", timeout_s=1800)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if sample.exit_code != 0:
        sys.exit(f"{argv[0]} format {label}: exit {sample.exit_code}: "
                 f"{(scratch / 'stderr').read_text()[-500:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return sample.wall_s, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "format.json")
    args = parser.parse_args(argv)
    buf = _buf()
    bytecode_compiled()
    workdir = HERE / "corpus" / f"scale-{args.scale:g}"
    manifest = corpus.generate(args.scale, workdir, reuse=True)
    result: dict[str, object] = {"corpus": manifest["counts"], "runs": args.runs,
                                 "machine_note": "shared machine: alternating runs, medians"}
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-format-", dir=workdir.parent) as tmp:
        scratch = Path(tmp)
        trees = {"as generated": workdir / "current", "tab-indented": scratch / "tabbed"}
        tabbed(workdir / "current", trees["tab-indented"])
        for label, tree in trees.items():
            tag = label.replace(" ", "-")  # each run's output tree is named by tree, tool, round
            warm_cache = tempfile.mkdtemp(dir=scratch)
            commands = {
                "protopact": [sys.executable, "-m", "protopact", "format", str(tree), "-o"],
                "protopact warm": [sys.executable, "-m", "protopact", "format", str(tree), "-o"],
                "buf": [buf, "format", str(tree), "-o"],
            }
            _run(commands["protopact warm"], scratch, warm_cache, label,  # fills the cache
                 out=f"{tag}-warm-up-out")
            walls: dict[str, list[float]] = {tool: [] for tool in commands}
            cpus: dict[str, list[float]] = {tool: [] for tool in commands}
            for round_ in range(args.runs):
                for tool, argv_ in list(commands.items())[:: 1 if round_ % 2 else -1]:
                    cache = warm_cache if tool == "protopact warm" else tempfile.mkdtemp(dir=scratch)
                    wall, cpu = _run(argv_, scratch, cache, label,
                                     out=f"{tag}-{tool}-out-{round_}".replace(" ", "-"))
                    walls[tool].append(wall)
                    cpus[tool].append(cpu)
            last = args.runs - 1
            theirs = scratch / f"{tag}-buf-out-{last}"
            differ = differences(scratch / f"{tag}-protopact-out-{last}", theirs)
            differ += differences(scratch / f"{tag}-protopact-warm-out-{last}", theirs)
            files = sum(1 for _ in theirs.rglob("*.proto"))
            entry: dict[str, object] = {"files": files, "differing_files": differ[:20],
                                        "differing_count": len(differ)}
            for tool in commands:
                entry[f"{tool}_wall_s"] = [round(w, 3) for w in walls[tool]]
                entry[f"{tool}_cpu_s"] = [round(c, 3) for c in cpus[tool]]
            ratios = {}
            for tool in ("protopact", "protopact warm"):
                ratios[tool] = (median(walls[tool]) / median(walls["buf"]),
                                median(cpus[tool]) / median(cpus["buf"]))
                entry[f"{tool}_wall_ratio"], entry[f"{tool}_cpu_ratio"] = (round(r, 3) for r in ratios[tool])
            result[label] = entry
            cold, warm = ratios["protopact"], ratios["protopact warm"]
            print(f"{label}: {files} files, {len(differ)} differ from buf; buf {median(walls['buf']):.2f} s "
                  f"(CPU {median(cpus['buf']):.2f} s); protopact cold {median(walls['protopact']):.2f} s: "
                  f"{cold[0]:.2f}× wall, {cold[1]:.2f}× CPU; warm {median(walls['protopact warm']):.2f} s: "
                  f"{warm[0]:.2f}× wall, {warm[1]:.2f}× CPU (target ≤ {TARGET}× wall: "
                  f"{'met' if cold[0] <= TARGET else 'MISSED'} cold, "
                  f"{'met' if warm[0] <= TARGET else 'MISSED'} warm)", flush=True)
            failed = failed or bool(differ)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
