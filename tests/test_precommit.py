"""The pre-commit hooks, run by pre-commit itself (it installs protopact from this checkout into its
own environment, as it does for a user) on a clone with a breaking change: the breaking hook fails
with the finding, lint, format and generate --check pass."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import REPO, git, run
from .contract_repo import FINDING, clone_with_breaking_change

HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())


def test_pre_commit_runs_the_hooks(tmp_path: Path) -> None:
    work = clone_with_breaking_change(tmp_path)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    done = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "--all-files"],
                          cwd=work, env=env, capture_output=True, text=True, check=False)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    verdicts = {line.split(".")[0]: line.rsplit(".", 1)[-1] for line in out.splitlines()
                if line.startswith("protopact ") and line.endswith(("Passed", "Failed"))}
    assert verdicts == {"protopact lint": "Passed", "protopact breaking": "Failed",
                        "protopact generate --check": "Passed", "protopact format": "Passed"}, out
    assert FINDING in out


def _hook_command(hook_id: str, args: list[str]) -> list[str]:
    """The command pre-commit runs for a hook: its entry, then the user's ``args``."""
    hook = next(h for h in HOOKS if h["id"] == hook_id)
    return [*shlex.split(hook["entry"]), *args]


def test_breaking_hook_takes_another_baseline_from_args(tmp_path: Path) -> None:
    work = clone_with_breaking_change(tmp_path)
    default = _hook_command("protopact-breaking", [])
    assert run(*default[1:], cwd=work).exit_code == 100
    git(work, "commit", "-qm", "Drop the note")
    assert run(*default[1:], cwd=work).exit_code == 100  # still against origin/main
    assert run(*_hook_command("protopact-breaking", ["--against", "git:HEAD"])[1:],
               cwd=work).exit_code == 0
