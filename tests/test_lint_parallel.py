"""On a large tree lint shares its rules with a forked process; the verdict is the same."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import run

FIXTURES = Path(__file__).parent / "lint"

# A fresh process (forking needs a single thread) where every tree counts as large, and which
# says whether it forked.
FORCED = """
import sys
from protopact.checks import engine
from protopact.cli import main

real = engine.shared
def spy(tasks, *, fork, **sides):
    print("forked" if fork else "did not fork", file=sys.stderr)
    return real(tasks, fork=fork, **sides)
engine._FORK_FROM, engine.shared = 1, spy
# without the cache, which would keep the findings of the lint run beside it
sys.argv = ["protopact", "lint", ".", "--error-format", "json", "--no-cache"]
main()
"""


@pytest.mark.parametrize("fixture", ["cfg_v1_nolint", "comments_v2", "ci_v2_default"])
def test_forked_rules_give_the_same_findings(fixture: str) -> None:
    alone = run("lint", ".", "--error-format", "json", cwd=FIXTURES / fixture)
    forked = subprocess.run([sys.executable, "-c", FORCED], cwd=FIXTURES / fixture,
                            capture_output=True, text=True, check=False)
    assert forked.stderr == "forked\n"
    assert (forked.returncode, forked.stdout) == (alone.exit_code, alone.stdout)
    assert alone.exit_code == 100 and alone.stdout.strip()



@pytest.mark.parametrize(("fixture", "rule", "forks"), [
    # sharing one rule that reads the whole image would only cost the fork
    ("package_no_import_cycle", "PACKAGE_NO_IMPORT_CYCLE", False),
    # one that reads each file alone is split: each process checks half the files
    ("import_used", "IMPORT_USED", True),
])
def test_a_single_rule_runs_in_halves_only_if_it_reads_each_file_alone(
        fixture: str, rule: str, forks: bool) -> None:
    alone = run("lint", ".", "--error-format", "json", cwd=FIXTURES / fixture)  # one rule selected
    forced = subprocess.run([sys.executable, "-c", FORCED], cwd=FIXTURES / fixture,
                            capture_output=True, text=True, check=False)
    assert forced.stderr == ("forked\n" if forks else "")
    assert (forced.returncode, forced.stdout) == (alone.exit_code, alone.stdout)
    assert alone.exit_code == 100 and rule in alone.stdout
