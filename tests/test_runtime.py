"""A one-shot command run as a program ends without the interpreter's teardown: its output whole,
its status kept; where anything may need the teardown, the interpreter ends as usual."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from protopact import runtime

from .conftest import run, write_tree

_FILES = {"buf.yaml": "version: v2\nlint:\n  use: [STANDARD]\n",
          **{f"p{i}/v1/f.proto": f'syntax = "proto3";\npackage p{i}.v1;\n'
             + "".join(f"message m{j} {{ string Bad_Name = 1; }}\n" for j in range(200))
             for i in range(3)}}


def test_a_program_s_output_is_whole_and_its_status_kept(tmp_path: Path) -> None:
    write_tree(tmp_path, _FILES)
    program = subprocess.run([sys.executable, "-m", "protopact", "lint", "--error-format", "json"],
                             cwd=tmp_path, capture_output=True, check=False)
    in_process = run("lint", "--error-format", "json", cwd=tmp_path)
    assert program.returncode == in_process.exit_code == 100
    assert program.stdout.decode() == in_process.stdout and len(in_process.stdout) > 100_000


def test_a_thread_still_running_gets_the_usual_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "_finished", [True])
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with pytest.raises(SystemExit) as left:
            runtime.leave(3)
    finally:
        stop.set()
        thread.join()
    assert left.value.code == 3
