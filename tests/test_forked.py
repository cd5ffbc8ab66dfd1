"""Results of forked tasks come back whole, through shared memory or, when it is too small, the pipe."""

import subprocess
import sys
from pathlib import Path

import pytest

# A fresh process: forking needs a single thread.
CHILD = """
import sys
from protopact import forked
forked._ROOM_BYTES = int(sys.argv[1])
payload = {f"m{i}.pyi": bytes([i % 256]) * (1000 + i) for i in range(3000)}
with forked.beside(lambda: payload, fork=True) as result:
    assert result() == payload
def fails():
    raise KeyError("inside the child")
try:
    with forked.beside(fails, fork=True) as result:
        result()
except KeyError as exc:
    print("raised", exc)
assert forked._ROOM is None
print("ok")
"""


@pytest.mark.parametrize("room", [1 << 30, 1 << 20, 4096])  # fits, too small, smaller than a frame
def test_forked_results_arrive_whole(room: int) -> None:
    ran = subprocess.run([sys.executable, "-c", CHILD, str(room)], capture_output=True, text=True,
                         check=False)
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "raised 'inside the child'\nok\n", "")


# Shared tasks: the first one taken waits until the other process has taken one, so both take part.
SHARED = """
import os, sys, time
from pathlib import Path
from protopact import forked
log = Path(sys.argv[1])

def task(i):
    def run():
        with log.open("a") as out:
            out.write(f"{os.getpid()}\\n")
        if i == 0:
            deadline = time.monotonic() + 60
            while len(set(log.read_text().split())) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
        return i * i, os.getpid()
    return run

results = forked.shared([task(i) for i in range(20)], fork=True)
assert [r[0] for r in results] == [i * i for i in range(20)], results
assert len(log.read_text().split()) == 20  # each task ran once
print(len({pid for _, pid in results}), os.getpid() in {pid for _, pid in results})
assert forked.shared([task(i) for i in range(3)], fork=False)[2][0] == 4
"""


def test_shared_tasks_run_once_each_in_both_processes_in_order(tmp_path: Path) -> None:
    ran = subprocess.run([sys.executable, "-c", SHARED, str(tmp_path / "log")],
                         capture_output=True, text=True, check=False)
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "2 True\n", "")


# Each side's own tasks run on that side, before both take from the shared ones.
SIDES = """
import os
from protopact import forked

def pid(i):
    return lambda: (i, os.getpid())

results = forked.shared([pid(i) for i in range(4, 8)], fork=True, mine=[pid(0), pid(1)],
                        theirs=[pid(2), pid(3)])
assert [i for i, _ in results] == list(range(8)), results
here = os.getpid()
print([p == here for _, p in results[:4]])
"""


def test_each_side_runs_its_own_tasks() -> None:
    ran = subprocess.run([sys.executable, "-c", SIDES], capture_output=True, text=True,
                         check=False)
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "[True, True, False, False]\n", "")
