"""protopact lint against the real buf 1.75, on every buf-rule fixture and on the repo itself.

Output must be identical: the same JSON lines (so the same spans, rule IDs, messages and order), the
same text and msvs lines, the same exit code.
"""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO, buf_binary, run
from tests.lint.test_rules import EXPECTED, FIXTURES, fixture_args


def native_buf() -> str:
    """The platform binary behind npm's node shim, which costs a node start-up per call."""
    for native in (REPO / "node_modules" / "@bufbuild").glob("buf-*/bin/buf"):
        return str(native)
    return buf_binary()


# protovalidate's buf.yaml lists a dep buf would fetch: test_lint_protovalidate gives buf an image
BUF_FIXTURES = sorted(n for n, e in EXPECTED.items() if e is not None
                      and not n.startswith("contract_") and n != "protovalidate")


def buf_lint(buf: str, directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([buf, "lint", *args], cwd=directory, capture_output=True, text=True,
                          check=False)


def json_args(name: str) -> list[str]:
    return ["--error-format", "json", *fixture_args(FIXTURES / name)]


@pytest.fixture(scope="module")
def buf_json() -> dict[str, subprocess.CompletedProcess[str]]:
    """buf's answers for all fixtures, run side by side: buf waits more than it computes."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = pool.map(lambda n: buf_lint(native_buf(), FIXTURES / n, *json_args(n)), BUF_FIXTURES)
        return dict(zip(BUF_FIXTURES, answers))


@pytest.mark.parametrize("name", BUF_FIXTURES)
def test_same_json_as_buf(buf_json: dict[str, subprocess.CompletedProcess[str]], name: str) -> None:
    expected = buf_json[name]
    actual = run("lint", *json_args(name), cwd=FIXTURES / name)
    assert (actual.exit_code, actual.stdout) == (expected.returncode, expected.stdout)


@pytest.mark.parametrize("error_format", ["text", "msvs", "json", "junit", "github-actions",
                                          "gitlab-code-quality", "config-ignore-yaml"])
@pytest.mark.parametrize("name", ["comments_v2", "package_same_go_package", "package_no_import_cycle",
                                  "rpc_opts_none"])
def test_same_formats_as_buf(buf: str, name: str, error_format: str) -> None:
    directory = FIXTURES / name
    expected = buf_lint(buf, directory, "--error-format", error_format)
    actual = run("lint", "--error-format", error_format, cwd=directory)
    assert expected.returncode == 100
    assert (actual.exit_code, actual.stdout) == (expected.returncode, expected.stdout)


def repo_lint_config() -> dict[str, Any]:
    """The repo's lint settings for buf on an image of the repo: an image has no modules, so the
    paths lose their module directory (``proto/``) and the vendored googleapis module is skipped."""
    settings = yaml.safe_load((REPO / "buf.yaml").read_text())["lint"]
    relative = {rule: [path.removeprefix("proto/") for path in paths]
                for rule, paths in settings.get("ignore_only", {}).items()}
    return {"version": "v2", "lint": {**settings, "ignore_only": relative, "ignore": ["google"]}}


def test_repo_is_lint_clean(buf: str, tmp_path: Path) -> None:
    # buf.yaml lists buf.build/bufbuild/protovalidate, which buf would fetch from the registry:
    # buf lints protopact's image of the repo instead, which carries validate.proto.
    image = tmp_path / "repo.binpb"
    assert run("build", "-o", str(image), cwd=REPO).exit_code == 0
    answer = buf_lint(buf, REPO, str(image), "--config", json.dumps(repo_lint_config()))
    assert (answer.returncode, answer.stdout, answer.stderr) == (0, "", "")
    result = run("lint", cwd=REPO)
    assert (result.exit_code, result.stdout) == (0, "")


def test_config_errors_exit_1_like_buf(buf: str) -> None:
    directory = FIXTURES / "cfg_v2_unknown_rule"
    assert buf_lint(buf, directory).returncode == 1
    result = run("lint", cwd=directory)
    assert result.exit_code == 1
    assert result.stderr.strip().endswith('"NOT_A_RULE" is not a known rule or category ID')
