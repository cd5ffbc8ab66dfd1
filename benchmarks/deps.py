"""What resolving ``deps`` adds to a build of ``proto/``: target ≤ 0.2 s.

Two copies of ``proto/`` are built alternately in this one process: as it is (no ``deps``), and with
``deps`` listing every module protopact maps to a distribution, a module in a buf cache laid out as
buf lays it (digest verified) and a module mapped to a directory by ``[tool.protopact.deps]``. The
files of ``proto/`` import none of them, so the difference is resolution alone: finding each source,
fingerprinting it, and (on a cold cache) reading what it serves for protoc. Cold runs get an empty
``PROTOPACT_CACHE_DIR`` each; warm runs a primed one.

    python benchmarks/deps.py --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from measure import median, run_once

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "generator"))

from protopact.deps.bufdigest import b5_digest  # noqa: E402
from protopact.deps.known import KNOWN_MODULES  # noqa: E402

TARGET_S = 0.2
CACHED = ("buf.build/acme/units", "0123456789abcdef0123456789abcdef")
UNITS = {"acme/units/v1/units.proto": b'syntax = "proto3";\npackage acme.units.v1;\n'
                                      b"enum Unit { UNIT_UNSPECIFIED = 0; }\n"}


def prepare(scratch: Path) -> tuple[Path, Path, Path]:
    plain, with_deps = scratch / "plain", scratch / "with-deps"
    for tree in (plain, with_deps):
        shutil.copytree(REPO / "proto", tree / "proto")
        shutil.copy(REPO / "buf.yaml", tree / "buf.yaml")
    buf_cache = scratch / "buf-cache"
    entry = buf_cache / "v3/modules/b5" / CACHED[0] / CACHED[1]
    for name, data in UNITS.items():
        (entry / "files" / name).parent.mkdir(parents=True, exist_ok=True)
        (entry / "files" / name).write_bytes(data)
    (entry / "module.yaml").write_text("version: v1\nfiles_dir: files\n")
    (with_deps / "vendor/acme/shared/v1").mkdir(parents=True)
    (with_deps / "vendor/acme/shared/v1/money.proto").write_text(
        'syntax = "proto3";\npackage acme.shared.v1;\nmessage Money { int64 units = 1; }\n')
    modules = [*KNOWN_MODULES, CACHED[0], "buf.build/acme/shared"]
    config = (with_deps / "buf.yaml").read_text()
    assert "deps: []\n" in config
    (with_deps / "buf.yaml").write_text(config.replace(
        "deps: []\n", "deps:\n" + "".join(f"  - {m}\n" for m in modules)))
    (with_deps / "buf.lock").write_text(
        f"version: v2\ndeps:\n  - name: {CACHED[0]}\n    commit: {CACHED[1]}\n"
        f"    digest: {b5_digest(UNITS, ())}\n")
    (with_deps / "pyproject.toml").write_text(
        '[tool.protopact.deps]\n"buf.build/acme/shared" = "vendor"\n')
    return plain, with_deps, buf_cache


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "deps.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="protopact-bench-deps-") as tmp:
        scratch = Path(tmp)
        plain, with_deps, buf_cache = prepare(scratch)
        trees = {"without deps": plain, "with deps": with_deps}
        warm = {label: scratch / f"warm-{i}" for i, label in enumerate(trees)}
        walls: dict[str, list[float]] = {f"{c} {label}": [] for c in ("cold", "warm")
                                         for label in trees}
        for round_ in range(args.runs + 1):
            for cache in ("cold", "warm"):
                order = list(trees.items())[:: 1 if round_ % 2 else -1]
                for label, tree in order:
                    cache_dir = warm[label] if cache == "warm" else Path(
                        tempfile.mkdtemp(prefix="cold-", dir=scratch))
                    env = dict(os.environ, BUF_CACHE_DIR=str(buf_cache),
                               PROTOPACT_CACHE_DIR=str(cache_dir))
                    sample = run_once([sys.executable, "-m", "protopact", "build", "proto"],
                                      cwd=tree, env=env, stdout=scratch / "out",
                                      stderr=scratch / "err", timeout_s=600)
                    if sample.exit_code != 0:
                        sys.exit(f"{label}: exit {sample.exit_code}: "
                                 f"{(scratch / 'err').read_text()[-500:]}")
                    if round_:  # the first round primes the warm caches
                        walls[f"{cache} {label}"].append(sample.wall_s)
    result: dict[str, object] = {k: {"wall_s": [round(w, 3) for w in v],
                                     "median_wall_s": round(median(v), 3)} for k, v in walls.items()}
    for cache in ("cold", "warm"):
        added = median(walls[f"{cache} with deps"]) - median(walls[f"{cache} without deps"])
        result[f"{cache} added_s"] = round(added, 3)
        print(f"{cache}: resolution adds {added:.3f} s (target ≤ {TARGET_S} s): "
              f"{'holds' if added <= TARGET_S else 'MISSED'}")
    result["machine_note"] = "shared machine: alternating runs, medians"
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
