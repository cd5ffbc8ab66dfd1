import io
from pathlib import Path

import pytest

from protopact import writes


class Recording(io.BytesIO):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def write(self, data: object) -> int:  # type: ignore[override]
        self.calls.append(len(memoryview(data)))  # type: ignore[arg-type]
        return super().write(data)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [0, 1, writes._PIECE - 1, writes._PIECE, writes._PIECE + 1,
                                  5 * writes._PIECE + 17])
def test_bytes_arrive_whole_and_no_call_is_larger_than_a_piece(size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    out = Recording()
    writes.write_pieces(out, data)
    assert out.getvalue() == data
    assert max(out.calls) <= writes._PIECE
    assert len(out.calls) == max(1, -(-size // writes._PIECE))


def test_write_bytes_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"old and longer than the new content" * 10**5)
    data = b"new" * writes._PIECE
    writes.write_bytes(path, data)
    assert path.read_bytes() == data


@pytest.mark.parametrize("sizes", [[], [0], [3, 5], [writes._PIECE - 1, 1, 1],
                                   [17] * 40000, [2 * writes._PIECE + 5, 9, writes._PIECE]])
def test_gathered_pieces_arrive_in_order_in_writes_of_about_a_piece(sizes: list[int]) -> None:
    pieces = [bytes([n % 251]) * size for n, size in enumerate(sizes)]
    out = Recording()
    writes.write_gathered(out, iter(pieces))
    assert out.getvalue() == b"".join(pieces)
    assert max(out.calls) <= writes._PIECE
    # gathered, not one write per piece: a piece's worth of bytes at most splits in two writes
    assert len(out.calls) <= 2 * (sum(sizes) // writes._PIECE) + 2
