"""generate killed with SIGKILL at any moment leaves the output wholly old or wholly new, and the next
run cleans up after it.

A forked child runs the write and kills itself at its Nth line of protopact's writing code (the
writer, the directory exchange, the file writes): no ``finally`` block or exit handler runs, as with
``kill -9``. The writer alone is killed at every line of the directory exchange and every few lines
elsewhere; the whole command at points spread over its writing."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from protopact import dirswap, writes
from protopact.render import writer
from protopact.render.writer import write_tree

from .conftest import run, write_tree as write_files
from .test_writer_safety import snapshot

WATCHED = {writer.__file__, dirswap.__file__, writes.__file__}
OLD = {"pkg/a.py": b"old a", "pkg/b.py": b"old b", "pkg/sub/c.py": b"old c", "gone/d.py": b"d",
       "e.txt": b"old e"}
NEW = {"pkg/a.py": b"new a", "pkg/b.py": b"old b", "pkg/sub/c.py": b"new c", "f.txt": b"new f",
       "e.txt/now_a_directory.py": b"x"}


def _traced(action: Callable[[], Any], kill_at: int | None) -> list[str]:
    """Run ``action`` tracing the writing code's lines; SIGKILL this process at line ``kill_at``
    (counted from 1). Returns the file of every line run."""
    lines: list[str] = []

    def trace(frame: FrameType, event: str, arg: object) -> Any:
        if frame.f_code.co_filename not in WATCHED:
            return None
        if event == "line":
            lines.append(frame.f_code.co_filename)
            if len(lines) == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
        return trace

    sys.settrace(trace)
    try:
        action()
    finally:
        sys.settrace(None)
    return lines


def _killed(action: Callable[[], Any], at: int) -> None:
    pid = os.fork()
    if pid == 0:
        # The child writes and dies: nothing it inherited (a server test's garbage, with its
        # threads left behind in the parent) may be finalized in it.
        gc.disable()
        try:
            _traced(action, at)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)  # the action ended before the kill point
    _, status = os.waitpid(pid, 0)
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert killed or os.waitstatus_to_exitcode(status) == 0, f"the child ended with status {status}"


def _old_tree(out: Path) -> None:
    write_tree(out, OLD)
    write_files(out, {"pkg/mine.txt": "the user's", "gone/edited.py": "the user's too"})
    (out / "link").symlink_to("pkg/mine.txt")


@pytest.mark.parametrize(("existing", "exchanges"), [(True, True), (False, True), (True, False)],
                         ids=["replacing", "creating", "replacing-without-exchange"])
def test_the_writer_killed_at_every_line(tmp_path: Path, existing: bool, exchanges: bool,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    if not exchanges:  # as on systems without renameat2: the old tree is renamed aside first
        monkeypatch.setattr(dirswap, "_exchanged", lambda first, second: False)
    probe = tmp_path / "probe" / "out"
    if existing:
        _old_tree(probe)
    old = snapshot(probe) if existing else None
    lines = _traced(lambda: write_tree(probe, NEW), None)
    new = snapshot(probe)
    points = [at for at, file in enumerate(lines, 1) if file == dirswap.__file__ or at % 8 == 0]
    assert sum(file == dirswap.__file__ for file in lines) > 10
    for at in points:
        out = tmp_path / str(at) / "out"
        if existing:
            _old_tree(out)
        _killed(lambda: write_tree(out, NEW), at)
        found = snapshot(out) if out.exists() else None
        # Without the exchange, a kill between the two renames leaves the old tree aside, and
        # only the next run puts it back.
        assert found in (old, new) or (not exchanges and found is None), f"killed at line {at}"
        write_tree(out, NEW)  # the next run
        assert snapshot(out) == new
        assert os.listdir(out.parent) == ["out"]
        shutil.rmtree(out.parent)


API = 'syntax = "proto3";\npackage a.v1;\n// A thing.\nmessage A {{ string name = 1; {more} }}\n'


def test_generate_killed_while_writing(tmp_path: Path) -> None:
    root = write_files(tmp_path / "old", {"a/v1/a.proto": API.format(more="")})
    assert run("generate", cwd=root).exit_code == 0
    old = snapshot(root / "generated")
    changed = tmp_path / "new"
    shutil.copytree(root, changed, symlinks=True)
    (changed / "a/v1/a.proto").write_text(API.format(more="int32 size = 2;"))
    lines = len(_traced(lambda: run("generate", cwd=changed), None))
    new = snapshot(changed / "generated")
    assert old != new
    for at in range(1, lines, lines // 8):
        attempt = tmp_path / f"at{at}"
        shutil.copytree(root, attempt, symlinks=True)
        (attempt / "a/v1/a.proto").write_text(API.format(more="int32 size = 2;"))
        _killed(lambda: run("generate", cwd=attempt), at)
        assert snapshot(attempt / "generated") in (old, new), f"killed at line {at}"
        assert run("generate", cwd=attempt).exit_code == 0
        assert snapshot(attempt / "generated") == new
        assert not [p for p in attempt.iterdir() if p.name.startswith(".protopact-")]
