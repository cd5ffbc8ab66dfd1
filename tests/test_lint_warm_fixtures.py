"""Every lint fixture, linted again after an edit from a warm cache in a new process, prints what a
lint without the cache prints. There the compiled files come from the cache undecoded (see
compile.undecoded), so every rule's way of reading a file, protovalidate's and the configs' odd
cases included, is run over files that decode only where read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from protopact.compile import incremental
from protopact.compile.undecoded import Undecoded

from .conftest import run

FIXTURES = Path(__file__).parent / "lint"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and any(p.rglob("*.proto")))


def _lint(root: Path, *extra: str) -> tuple[int, str, str]:
    result = run("lint", "--error-format", "json", *extra, cwd=root)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("case", CASES)
def test_a_warm_lint_after_an_edit_equals_a_full_lint(case: str, tmp_path: Path) -> None:
    root = tmp_path / case
    shutil.copytree(FIXTURES / case, root)
    _lint(root)  # the run whose compile and findings the next one keeps
    own = sorted(root.rglob("*.proto"))
    edited = own[0]
    edited.write_text(edited.read_text() + "\nmessage ProtopactEdited {}\n")
    incremental._RECENT.clear()  # a new process: only the cache remembers
    warm = _lint(root)
    files = [f for compiled in incremental.recent() for f in compiled.image.files]
    assert warm == _lint(root, "--no-cache")
    if warm[0] in (0, 100) and len(own) > 1:  # another file of the tree came from the cache
        assert any(type(f) is Undecoded for f in files)
