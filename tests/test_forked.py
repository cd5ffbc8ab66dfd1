"""Results of forked tasks come back whole, through shared memory or, when it is too small, the pipe."""

import subprocess
import sys

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
