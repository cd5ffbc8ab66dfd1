from __future__ import annotations

import pytest
from google.protobuf.internal import encoder

from protopact.compile.wire import read_varint, varint


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 16383, 16384, 16385, 2**21 - 1, 2**21,
                                   2**35 + 7, 2**63 - 1])
def test_a_varint_is_protobufs_and_reads_back(value: int) -> None:
    pieces: list[bytes] = []
    encoder._VarintEncoder()(pieces.append, value, None)
    assert varint(value) == b"".join(pieces)
    assert read_varint(b"\xff" + varint(value) + b"\x01", 1) == (value, 1 + len(varint(value)))
