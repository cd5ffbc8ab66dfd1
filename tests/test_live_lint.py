"""``protopact lint --watch``: findings after each edit, imports followed, errors survived, Ctrl-C."""

from __future__ import annotations

import gc
import signal
import threading
import weakref
from pathlib import Path

import pytest

from protopact.live.lint import watch_lint

from .conftest import WAIT, run, write_tree
from .live_process import Running, save

BUF_YAML = "version: v2\nlint:\n  use: [STANDARD]\n"
SHAPES = 'syntax = "proto3";\npackage shop.v1;\nmessage Shape { string name = 1; }\n'
ORDER = ('syntax = "proto3";\npackage shop.v1;\nimport "shop/v1/shapes.proto";\n'
         'message Order { Shape shape = 1; }\n')


def test_watch_relints_each_edit_and_its_dependents(tmp_path: Path) -> None:
    write_tree(tmp_path, {"buf.yaml": BUF_YAML, "shop/v1/shapes.proto": SHAPES,
                          "shop/v1/order.proto": ORDER})
    watch = Running(["lint", "--watch"], tmp_path)
    try:
        watch.until("err", "lint: no findings")
        watch.until("err", "watching")
        # A finding in the edited file.
        save(tmp_path / "shop/v1/shapes.proto", SHAPES.replace("name", "Name"))
        assert "edited: shop/v1/shapes.proto" in watch.until("err", "edited:")
        out = watch.until("out", "lower_snake_case")
        assert out == [('shop/v1/shapes.proto:3:24:Field name "Name" should be lower_snake_case, '
                        'such as "name".')]
        watch.until("err", "lint: 1 finding")
        # The file importing it is compiled again: the name it uses is gone.
        save(tmp_path / "shop/v1/shapes.proto", SHAPES.replace("Shape", "Figure"))
        assert watch.until("out", "order.proto") == [
            'shop/v1/order.proto:4:17:"Shape" is not defined.']
        # Fixed: clean again.
        save(tmp_path / "shop/v1/shapes.proto", SHAPES)
        watch.until("err", "lint: no findings")
        # An unreadable buf.yaml is reported, and the watch goes on until it is fixed.
        save(tmp_path / "buf.yaml", "version: v9\n")
        watch.until("err", "buf.yaml: unknown version 'v9'")
        save(tmp_path / "buf.yaml", BUF_YAML)
        watch.until("err", "lint: no findings")
        assert watch.interrupt() == 0
        assert not any("Traceback" in line for _, line in watch.rest())
    finally:
        watch.stop()


def test_watch_refuses_what_it_cannot_watch(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.proto": SHAPES})
    result = run("lint", "a.proto", "--watch", cwd=tmp_path)
    assert result.exit_code == 1
    assert "a.proto: watching needs a directory INPUT" in result.stderr
    result = run("lint", "--watch", "--fix", cwd=tmp_path)
    assert result.exit_code == 1
    assert "--fix and --watch cannot be used together" in result.stderr


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the dropped one
def test_ctrl_c_during_the_collection_between_runs_still_ends_the_watch(tmp_path: Path) -> None:
    """Python drops a KeyboardInterrupt raised in a finalizer; the collection after each run runs
    finalizers, and Ctrl-C may come just then."""
    write_tree(tmp_path, {"buf.yaml": BUF_YAML, "shop/v1/shapes.proto": SHAPES})
    finalizers = []

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    def lint_once() -> int:  # leaves garbage whose finalizer is where Ctrl-C arrives
        finalizers.append(weakref.ref(Cycle(), lambda _: signal.raise_signal(signal.SIGINT)))
        return 0

    stuck = threading.Event()

    def unstick() -> None:  # without the fix the watch would go on: end it, failing the test
        stuck.set()
        signal.raise_signal(signal.SIGINT)

    timer = threading.Timer(WAIT, unstick)
    timer.start()
    gc.disable()  # as the CLI runs it: only the collection after each run collects
    try:
        watch_lint(tmp_path, lint_once)
    finally:
        gc.enable()
        timer.cancel()
    assert not stuck.is_set()
