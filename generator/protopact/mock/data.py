"""The mock's data: cached example messages, stable collections, event subscribers and their PPIDs.

Every value is a pure function of the server's seed and the descriptors, so two mocks started with
the same ``--seed`` answer the same collections and the same subscribers. Examples come from the
shared example-data engine (:mod:`protopact.render.examples`), the same the documentation shows.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import uuid
import zlib

from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message

from ..render.examples import example_message

SUBSCRIBERS = 1000
_MIN_COLLECTION, _COLLECTION_SPREAD = 150, 200


def example(descriptor: Descriptor, *, index: int = 0) -> Message:
    """A fresh copy of the engine's example ``index`` of ``descriptor``."""
    return message_factory.GetMessageClass(descriptor).FromString(_example_bytes(descriptor, index))


@functools.lru_cache(maxsize=4096)
def _example_bytes(descriptor: Descriptor, index: int) -> bytes:
    return example_message(descriptor, index=index).SerializeToString(deterministic=True)


def collection_size(seed: int, path: str) -> int:
    """How many items the list method at ``path`` holds: stable per seed, different per method."""
    return _MIN_COLLECTION + zlib.crc32(f"{seed}:{path}".encode()) % _COLLECTION_SPREAD


def subscriber(seed: int, path: str, seq: int) -> int:
    """The subscriber event ``seq`` of the stream at ``path`` is about."""
    return zlib.crc32(f"{seed}:{path}:{seq}".encode()) % SUBSCRIBERS


def ppid(seed: int, client: str, subscriber_index: int) -> str:
    """A Pairwise Pseudonymous Identifier: stable for one subscriber and client, unlinkable across clients."""
    digest = hmac.new(f"protopact-mock:{seed}".encode(), f"{client}\0{subscriber_index}".encode(),
                      hashlib.sha256).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))
