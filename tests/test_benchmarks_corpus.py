"""The benchmark corpus generator at a tiny scale, so that ``make bench`` cannot rot unnoticed.

Both versions must compile with protopact and with real buf, the generator must be deterministic, and
buf must report exactly the breaking findings the manifest promises for the mutated version.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from .conftest import REPO, run

SCALE = "0.005"


def _generate(out: Path) -> dict:
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "corpus.py"), "--scale", SCALE,
                    "--out", str(out)], check=True, capture_output=True)
    return json.loads((out / "manifest.json").read_text())


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("corpus")
    return out, _generate(out)


def test_corpus_is_deterministic_and_shaped_like_googleapis(corpus: tuple[Path, dict],
                                                            tmp_path: Path) -> None:
    out, manifest = corpus
    again = _generate(tmp_path)
    assert again == manifest
    assert _tree_digest(tmp_path) == _tree_digest(out)
    counts = manifest["counts"]["previous"]
    assert counts["packages"] >= 2 and counts["services"] >= 1
    assert counts["messages"] > 5 * counts["services"] and counts["fields"] > 2 * counts["messages"]
    assert counts["rpcs_with_http"] >= 0.9 * counts["rpcs"] > 0
    kinds = {c["kind"] for c in manifest["changes"]}
    assert {"field_deleted", "field_added", "rpc_deleted", "file_added"} <= kinds
    assert (out / "current" / "third_party" / "googleapis" / "google" / "api" / "http.proto").is_file()


def test_both_versions_compile_with_protopact_and_buf(corpus: tuple[Path, dict], buf: str) -> None:
    out, _ = corpus
    for side in ("previous", "current"):
        result = run("build", side, "-o", f"{side}.binpb", cwd=out)
        assert result.exit_code == 0, result.stderr
        subprocess.run([buf, "build", side, "-o", f"{side}-buf.binpb"], cwd=out, check=True,
                       capture_output=True)


def test_buf_finds_exactly_the_breaking_changes_the_manifest_expects(corpus: tuple[Path, dict],
                                                                     buf: str) -> None:
    out, manifest = corpus
    found = subprocess.run([buf, "breaking", "current", "--against", "previous", "--error-format",
                            "json"], cwd=out, capture_output=True, text=True, check=False)
    assert found.returncode == 100, found.stderr
    rules = Counter(json.loads(line)["type"] for line in found.stdout.splitlines())
    assert dict(rules) == manifest["expected_breaking"]
    assert len(rules) >= 10  # a real mix of rules, not one kind


def test_protopact_breaking_runs_on_the_mutated_corpus(corpus: tuple[Path, dict]) -> None:
    out, _ = corpus
    result = run("breaking", "current", "--against", "previous", "--error-format", "json", cwd=out)
    assert result.exit_code == 100, result.stderr
    assert all(json.loads(line)["type"] for line in result.stdout.splitlines())
