"""``make bench``: protopact against buf and plain protoc on the generated googleapis-sized corpus.

Each group of commands runs in this one process, alternating (the order rotates every round), and
every command runs ``--runs`` times; we report medians of wall time, of CPU time (user and system,
the child's and its children's) and of the child's peak memory,
ratios against the baseline, and whether the issue's targets hold. Cache use is explicit per
command: ``cold`` gives protopact a fresh empty ``PROTOPACT_CACHE_DIR`` on every run, ``warm`` a
cache primed by one unmeasured run; buf caches only remote modules, so its runs are all equal.
Commands that fail are still reported, with their exit code and the end of their stderr.

    python benchmarks/run.py --scale 0.25 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import corpus
import edits
from agreement import agreement
from measure import Sample, bytecode_compiled, median, run_once
from report import Comparison, markdown

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PROTOPACT = (sys.executable, "-m", "protopact")
PROTOC = (sys.executable, "-m", "grpc_tools.protoc")


@dataclass(frozen=True)
class Tool:
    label: str
    argv: tuple[str, ...]
    cache: str = "n/a"  # protopact: "cold" or "warm"; "n/a" for tools without a compile cache
    cwd: str = "."  # relative to the corpus directory
    before: Callable[[], None] | None = None  # sets the tree up before each run (an edit)


@dataclass(frozen=True)
class Group:
    name: str
    tools: tuple[Tool, ...]


def _buf() -> str:
    found = shutil.which("buf") or str(REPO / "node_modules" / ".bin" / "buf")
    if not Path(found).exists():
        sys.exit("buf not found: run `make dev-tools` (installs @bufbuild/buf from npm)")
    return found


def _well_known_root() -> str:
    import grpc_tools

    return str(Path(grpc_tools.__file__).parent / "_proto")


def groups(buf: str, proto_files: list[str], edited: tuple[edits.Edit, edits.Edit]) -> list[Group]:
    """Every measured command; paths are relative to the corpus directory (the working directory)."""
    includes = ("-Icurrent/proto", "-Icurrent/third_party/googleapis", f"-I{_well_known_root()}")
    breaking = ("--error-format", "json")
    return [
        Group("build", (
            Tool("protopact build", (*PROTOPACT, "build", "current", "-o", "{scratch}/pp.binpb"), "cold"),
            Tool("protopact build (warm)", (*PROTOPACT, "build", "current", "-o",
                                            "{scratch}/pp.binpb"), "warm"),
            Tool("buf build", (buf, "build", "current", "-o", "{scratch}/buf.binpb")),
            Tool("protoc", (*PROTOC, *includes, "--include_imports", "--include_source_info",
                            "--descriptor_set_out={scratch}/protoc.binpb", *proto_files)),
        )),
        Group("breaking: source vs image baseline", (
            Tool("protopact breaking src/img", (*PROTOPACT, "breaking", "current/proto", "--against",
                                                "previous.binpb", *breaking), "cold"),
            Tool("buf breaking src/img", (buf, "breaking", "current/proto", "--against",
                                          "previous.binpb", *breaking)),
        )),
        Group("breaking: image vs image", (
            Tool("protopact breaking img/img", (*PROTOPACT, "breaking", "current.binpb", "--against",
                                                "previous.binpb", *breaking)),
            Tool("buf breaking img/img", (buf, "breaking", "current.binpb", "--against",
                                          "previous.binpb", *breaking)),
        )),
        Group("breaking: source vs source", (
            Tool("protopact breaking src/src (warm)", (*PROTOPACT, "breaking", "current", "--against",
                                                       "previous", *breaking), "warm"),
            Tool("protopact breaking src/src", (*PROTOPACT, "breaking", "current", "--against",
                                                "previous", *breaking), "cold"),
            Tool("buf breaking src/src", (buf, "breaking", "current", "--against", "previous",
                                          *breaking)),
        )),
        Group("lint", (
            Tool("protopact lint", (*PROTOPACT, "lint", "current", "--error-format", "json"), "cold"),
            Tool("protopact lint (warm)", (*PROTOPACT, "lint", "current", "--error-format", "json"),
                 "warm"),
            Tool("buf lint", (buf, "lint", "current", "--error-format", "json")),
        )),
        Group("generate: python", (
            Tool("protopact python renderer", (sys.executable, str(HERE / "python_only.py"), "current",
                                               "{scratch}/py"), "cold"),
            # The mutated tree keeps an HTTP rule whose path variable lost its field, which the
            # OpenAPI renderer rightly rejects; the baseline tree is the same size and valid.
            Tool("protopact generate (all targets)", (*PROTOPACT, "generate", "previous", "--out",
                                                      "{scratch}/gen"), "cold"),
            Tool("protoc python+grpc", (*PROTOC, *includes, "--python_out={scratch}/protoc-py",
                                        "--grpc_python_out={scratch}/protoc-py", *proto_files)),
        )),
        Group("docs", (
            Tool("protopact docs", (*PROTOPACT, "docs", "current", "--out", "{scratch}/docs"), "cold"),
        )),
        *(group for edit, kind in zip(edited, ("leaf", "hub"))
          for group in _edit_groups(buf, edit, kind)),
    ]


def _edit_groups(buf: str, edit: edits.Edit, kind: str) -> tuple[Group, Group]:
    """The everyday commands after one file of the tree changed: the pull request's breaking check
    against the main branch (cold cache, as on a CI runner) and lint while editing (warm cache)."""
    against = ("--against", ".git#branch=main", "--error-format", "json")
    lint = ("lint", "--error-format", "json")
    return Group(f"one {kind} file edited", (
        Tool(f"protopact breaking, {kind} edited", (*PROTOPACT, "breaking", *against), "cold",
             edits.REPO, edit),
        Tool(f"buf breaking, {kind} edited", (buf, "breaking", *against), cwd=edits.REPO,
             before=edit),
    )), Group(f"lint after one {kind} file edited", (
        Tool(f"protopact lint, {kind} edited (warm)", (*PROTOPACT, *lint), "warm", edits.REPO, edit),
        Tool(f"buf lint, {kind} edited", (buf, *lint), cwd=edits.REPO, before=edit),
    ))


COMPARISONS = (
    Comparison("build vs protoc", "protopact build", "protoc", wall=1.1),
    Comparison("build vs buf", "protopact build", "buf build"),
    Comparison("build (warm) vs buf", "protopact build (warm)", "buf build"),
    Comparison("breaking src/img vs buf", "protopact breaking src/img", "buf breaking src/img",
               wall=0.25, memory=0.25),
    Comparison("breaking img/img vs buf", "protopact breaking img/img", "buf breaking img/img",
               wall=0.1),
    Comparison("breaking src/src (warm) vs buf", "protopact breaking src/src (warm)",
               "buf breaking src/src", wall=0.25, memory=0.25),
    Comparison("breaking src/src (cold) vs buf", "protopact breaking src/src", "buf breaking src/src"),
    Comparison("lint vs buf", "protopact lint", "buf lint", wall=0.5),
    Comparison("lint (warm) vs buf", "protopact lint (warm)", "buf lint", wall=0.5),
    Comparison("python renderer vs protoc", "protopact python renderer", "protoc python+grpc",
               wall=1.2),
    Comparison("generate (all targets) vs protoc", "protopact generate (all targets)",
               "protoc python+grpc"),
    *(c for kind in ("leaf", "hub") for c in (
        Comparison(f"breaking vs main, {kind} edited, vs buf", f"protopact breaking, {kind} edited",
                   f"buf breaking, {kind} edited", wall=0.15, memory=0.25),
        Comparison(f"lint after a {kind} edit (warm) vs buf", f"protopact lint, {kind} edited (warm)",
                   f"buf lint, {kind} edited", wall=0.05))),
)


class Runner:
    def __init__(self, workdir: Path, scratch: Path, runs: int, timeout_s: float) -> None:
        self.workdir, self.scratch, self.runs, self.timeout_s = workdir, scratch, runs, timeout_s
        self.buf_cache = scratch / "buf-cache"
        self.warm_caches: dict[str, Path] = {}
        self.counter = 0

    def _argv(self, tool: Tool, run_dir: Path) -> list[str]:
        return [a.replace("{scratch}", str(run_dir)) for a in tool.argv]

    def _env(self, tool: Tool) -> dict[str, str]:
        env = dict(os.environ, BUF_CACHE_DIR=str(self.buf_cache))
        if tool.cache == "warm":
            env["PROTOPACT_CACHE_DIR"] = str(self.warm_caches[tool.label])
        else:
            env["PROTOPACT_CACHE_DIR"] = tempfile.mkdtemp(prefix="cold-cache-", dir=self.scratch)
        return env

    def once(self, tool: Tool) -> tuple[Sample, Path, Path]:
        self.counter += 1
        run_dir = self.scratch / f"run-{self.counter}"
        (run_dir / "protoc-py").mkdir(parents=True)  # protoc does not create its --python_out
        stdout, stderr = run_dir / "stdout", run_dir / "stderr"
        if tool.before is not None:
            tool.before()
        sample = run_once(self._argv(tool, run_dir), cwd=self.workdir / tool.cwd,
                          env=self._env(tool), stdout=stdout, stderr=stderr,
                          timeout_s=self.timeout_s)
        return sample, stdout, stderr

    def group(self, group: Group) -> dict[str, dict[str, object]]:
        for tool in group.tools:
            if tool.cache == "warm":
                self.warm_caches[tool.label] = Path(tempfile.mkdtemp(prefix="warm-", dir=self.scratch))
                self.once(tool)  # primes the cache; not measured
        samples: dict[str, list[Sample]] = {t.label: [] for t in group.tools}
        last: dict[str, tuple[Path, Path]] = {}
        for round_ in range(self.runs):
            shift = round_ % len(group.tools)
            for tool in group.tools[shift:] + group.tools[:shift]:
                sample, stdout, stderr = self.once(tool)
                samples[tool.label].append(sample)
                last[tool.label] = (stdout, stderr)
                print(f"  {tool.label:<36} {sample.wall_s:8.2f} s {sample.cpu_s:8.2f} s CPU "
                      f"{sample.max_rss_mb:8.0f} MB  exit {sample.exit_code}", flush=True)
        return {t.label: _summary(t, samples[t.label], *last[t.label]) for t in group.tools}


def _summary(tool: Tool, samples: list[Sample], stdout: Path, stderr: Path) -> dict[str, object]:
    codes = sorted({s.exit_code for s in samples})
    failed = any(c not in (0, 100) for c in codes)
    return {
        "argv": list(tool.argv),
        "cache": tool.cache,
        "wall_s": [round(s.wall_s, 3) for s in samples],
        "max_rss_mb": [round(s.max_rss_mb, 1) for s in samples],
        "cpu_s": [round(s.cpu_s, 3) for s in samples],
        "median_wall_s": round(median([s.wall_s for s in samples]), 3),
        "median_cpu_s": round(median([s.cpu_s for s in samples]), 3),
        "median_max_rss_mb": round(median([s.max_rss_mb for s in samples]), 1),
        "exit_codes": codes,
        "stderr_tail": _tail(stderr) if failed else "",
        "stdout_file": str(stdout),
    }


def _tail(path: Path, lines: int = 3) -> str:
    text = path.read_text(errors="replace").strip().splitlines()
    return "\n".join(text[-lines:])


def _version(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=60,
                              check=False).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def prepare(workdir: Path, buf: str) -> None:
    """Baseline images both tools read: built once by protopact (a buf-compatible image)."""
    generated = (workdir / "manifest.json").stat().st_mtime
    for side in ("previous", "current"):
        image = workdir / f"{side}.binpb"
        if not image.exists() or image.stat().st_mtime < generated:
            subprocess.run([*PROTOPACT, "build", side, "-o", image.name, "--no-cache"], cwd=workdir,
                           check=True)
    check = subprocess.run([buf, "build", "previous.binpb", "-o", "/dev/null"], cwd=workdir,
                           check=False)
    if check.returncode:
        sys.exit("buf cannot read the baseline image protopact built")


def _earlier(path: Path, scale: float) -> dict[str, Any]:
    """The results of a whole run at this scale, which a run of some groups updates."""
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return document if document.get("scale") == scale else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", action="append", default=[],
                        help="run only groups whose name contains this text (repeatable); their "
                             "figures replace theirs in the results of the same scale")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per command")
    parser.add_argument("--results", type=Path, default=HERE, help="where results.{json,md} go")
    args = parser.parse_args(argv)
    buf = _buf()
    bytecode_compiled()
    workdir = HERE / "corpus" / f"scale-{args.scale:g}"
    print(f"corpus: {workdir}", flush=True)
    manifest = corpus.generate(args.scale, workdir, reuse=True)
    prepare(workdir, buf)
    proto_files = sorted(p.relative_to(workdir / "current" / "proto").as_posix()
                         for p in (workdir / "current" / "proto").rglob("*.proto"))
    results: dict[str, dict[str, dict[str, object]]] = {}
    scratch = Path(tempfile.mkdtemp(prefix="protopact-bench-"))
    try:
        runner = Runner(workdir, scratch, args.runs, args.timeout)
        for group in groups(buf, proto_files, edits.prepare(workdir)):
            if args.only and not any(o in group.name for o in args.only):
                continue
            print(f"== {group.name}", flush=True)
            results[group.name] = runner.group(group)
        tools = {label: data for group in results.values() for label, data in group.items()}
        verdicts = agreement(tools, manifest)
        for data in tools.values():
            data.pop("stdout_file")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if args.only:
        earlier = _earlier(args.results / "results.json", args.scale)
        results = {**earlier.get("groups", {}), **results}
        verdicts = {**earlier.get("agreement", {}), **verdicts}
        tools = {label: data for group in results.values() for label, data in group.items()}
    document = {
        "scale": args.scale,
        "runs": args.runs,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "buf": _version([buf, "--version"]),
                    "protopact": _version([*PROTOPACT, "--version"])},
        "corpus": manifest["counts"],
        "groups": results,
        "comparisons": [c.evaluate(tools) for c in COMPARISONS if c.ours in tools],
        "agreement": verdicts,
        "gateway": "not measured: the runner has no gRPC upstream serving the corpus yet",
    }
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "results.json").write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    (args.results / "results.md").write_text(markdown(document))
    print((args.results / "results.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
