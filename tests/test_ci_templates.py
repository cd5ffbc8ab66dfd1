"""The CI templates: ``action.yml`` (a composite GitHub Action) and the GitLab CI template validate
against their schemas (vendored in tests/fixtures/schemas: no network), and their scripts, run as
the runners run them, check a clone with a breaking change: annotations, summary, SARIF, the next
version as a step output; a Code Quality report on GitLab."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .conftest import REPO, git
from .contract_repo import SHOP, clone_with_breaking_change

SCHEMAS = REPO / "tests" / "fixtures" / "schemas"
ACTION = yaml.safe_load((REPO / "action.yml").read_text())
GITLAB = yaml.safe_load((REPO / "ci" / "protopact.gitlab-ci.yml").read_text())
INPUT = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")


def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text())


def test_templates_validate_against_their_schemas() -> None:
    jsonschema.validate(ACTION, _schema("github-action.json"))
    jsonschema.validate(GITLAB, _schema("gitlab-ci.json"))
    broken = {**ACTION, "runs": {"using": "composite", "steps": [{"run": "true"}]}}  # no shell
    assert not jsonschema.Draft7Validator(_schema("github-action.json")).is_valid(broken)


def _environment(**extra: str) -> dict[str, str]:
    """The runner's environment: the CI variables it sets, protopact on PATH."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_"))}
    return {**keep, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            **extra}


def _run_action(work: Path, tmp: Path, inputs: dict[str, str], **runner: str) -> tuple[
        subprocess.CompletedProcess[str], dict[str, str], str]:
    """Run the action's breaking step as a runner does (bash -eo pipefail, inputs expanded into
    its env); the process, the step outputs and the job summary."""
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values.update(inputs)
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "breaking")
    env = {name: INPUT.sub(lambda m: values[m.group(1)], text) for name, text in step["env"].items()}
    output, summary = tmp / "output", tmp / "summary"
    output.write_text("")
    summary.write_text("")
    (tmp / "step.sh").write_text(step["run"])
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(tmp / "step.sh")],
                          cwd=work / INPUT.sub(lambda m: values[m.group(1)],
                                               step["working-directory"]),
                          env=_environment(GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary),
                                           **env, **runner),
                          capture_output=True, text=True, check=False)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return done, outputs, summary.read_text()


def test_action_checks_a_pull_request(tmp_path: Path) -> None:
    work = clone_with_breaking_change(tmp_path)
    git(work, "commit", "-qm", "Drop the note")
    done, outputs, summary = _run_action(work, tmp_path, {"bump-from": "1.4.2"},
                                         GITHUB_BASE_REF="main")
    assert done.returncode == 100, done.stderr
    assert f"::error file={SHOP},line=6," in done.stdout
    assert outputs == {"next-version": "2.0.0", "result": "breaking"}
    # the summary is the release note, breaking changes first, grouped by message
    assert summary.startswith("# Contract changes against `git:origin/main`\n")
    assert "Next version: **2.0.0** (from 1.4.2)." in summary
    assert "Summary: 1 breaking change, 1 removal." in summary
    breaking = summary.split("## Breaking changes\n", 1)[1].split("\n## ", 1)[0]
    assert "### message `acme.shop.v1.Order` (`proto/acme/shop/v1/shop.proto`)" in breaking
    assert "(`FIELD_NO_DELETE`)" in breaking
    sarif = json.loads((work / "protopact-breaking.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["FIELD_NO_DELETE"]
    done, outputs, _ = _run_action(work, tmp_path, {"fail-on-breaking": "false",
                                                    "against": "git:HEAD", "sarif": ""})
    assert done.returncode == 0 and outputs == {"result": "passed"}, done.stderr
    done, outputs, _ = _run_action(work, tmp_path, {})  # a push: no base branch
    assert done.returncode == 0 and outputs == {"result": "skipped"}
    assert "::notice title=protopact breaking::skipped" in done.stdout


def test_gitlab_template_reports_code_quality_on_a_merge_request(tmp_path: Path) -> None:
    work = clone_with_breaking_change(tmp_path)
    git(work, "commit", "-qm", "Drop the note")
    job = GITLAB["protopact-breaking"]
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", "\n".join(job["script"])], cwd=work,
                          env=_environment(**job["variables"], CI_PIPELINE_SOURCE="merge_request_event",
                                           CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main"),
                          capture_output=True, text=True, check=False)
    assert done.returncode == 100, done.stderr
    report = json.loads((work / job["artifacts"]["reports"]["codequality"]).read_text())
    assert [(r["check_name"], r["location"]["path"]) for r in report] == [("FIELD_NO_DELETE", SHOP)]
