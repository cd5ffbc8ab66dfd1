"""Dependencies: the files a workspace imports from outside itself, found offline.

``buf.yaml`` ``deps`` (pinned by ``buf.lock``) are resolved without the Buf Schema Registry, from
installed Python distributions; protopact's libraries (its building blocks, googleapis-common-protos,
protobuf's well-known types) come after them. The resolution tells protoc where each file is (an
include root of sources, or a descriptor), and its fingerprint keys the image cache.
"""

from .model import Contents, Dependency, Resolution, Unresolved
from .resolver import resolve

__all__ = ["Contents", "Dependency", "Resolution", "Unresolved", "resolve"]
