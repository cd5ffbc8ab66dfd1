"""The elements a contract declares, each with a key that identifies it across versions.

Keys follow buf's pairing: services, RPCs, messages and enums by full name, fields by number within
their message, enum values by number within their enum. Map entries (synthetic messages) are left
out. Elements come file by file in declaration order; each carries the options of the elements
around it, so callers can resolve inherited marks (deprecation, stability).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from google.protobuf.descriptor_pb2 import FileDescriptorProto
from google.protobuf.message import Message

from ..schema import walk

Path = tuple[int, ...]


@dataclass(frozen=True)
class Element:
    """A service, RPC, message, enum, field or enum value, with the options of its enclosing
    elements (file first, itself last)."""

    kind: str
    full_name: str
    key: str  # identity across versions: kind and full name (scope and number for fields
    # and enum values)
    parent_key: str  # "" at file level
    file: FileDescriptorProto
    path: Path
    chain: tuple[Message, ...]

    @property
    def identity(self) -> tuple[str, str]:
        """The key and the full name: what a changelog tells apart (aliases of an enum value
        share a key, a renamed field keeps its key)."""
        return self.key, self.full_name


def elements(files: Iterable[FileDescriptorProto]) -> Iterator[Element]:
    """Every service, RPC, message, field, enum and enum value of ``files``."""
    for f in files:
        top = (f.options,)
        chains: dict[str, tuple[Message, ...]] = {}
        for m in walk.messages(f):
            if m.message.options.map_entry:
                continue
            parent = f"message {m.parent.full_name}" if m.parent else ""
            key = f"message {m.full_name}"
            chain = chains[key] = chains.get(parent, top) + (m.message.options,)
            yield Element("message", m.full_name, key, parent, f, m.path, chain)
            for fa in walk.fields(m):
                yield Element("field", f"{m.full_name}.{fa.field.name}",
                              f"field {m.full_name}={fa.field.number}", key, f, fa.path,
                              chain + (fa.field.options,))
        for e in walk.enums(f):
            parent = f"message {e.parent.full_name}" if e.parent else ""
            key = f"enum {e.full_name}"
            chain = chains.get(parent, top) + (e.enum.options,)
            yield Element("enum", e.full_name, key, parent, f, e.path, chain)
            for v in walk.enum_values(e):
                yield Element("enum value", f"{e.full_name}.{v.value.name}",
                              f"enum value {e.full_name}={v.value.number}", key, f, v.path,
                              chain + (v.value.options,))
        for s in walk.services(f):
            key = f"service {s.full_name}"
            chain = top + (s.service.options,)
            yield Element("service", s.full_name, key, "", f, s.path, chain)
            for rpc in walk.methods(s):
                yield Element("RPC", rpc.full_name, f"RPC {rpc.full_name}", key, f, rpc.path,
                              chain + (rpc.method.options,))
