"""``protopact deps``: each dependency of a workspace, where it was resolved from, its version or
digest, and the files it served to the build (the image's imports that it provided).

Declared dependencies are listed in ``buf.yaml`` order, resolved or not; protopact's own libraries
only when they served a file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from ..compile.image import Image
from .model import Resolution


@dataclass(frozen=True)
class Listed:
    module: str
    origin: str  # "" when unresolved
    version: str
    library: bool
    files: tuple[str, ...]
    remedy: str = ""  # how to provide it, when unresolved


def listing(image: Image, resolution: Resolution) -> list[Listed]:
    served: dict[str, list[str]] = {}
    for file in image.files:
        if file.name not in image.targets:
            provider = resolution.provider(file.name)
            if provider is not None:
                served.setdefault(provider.module, []).append(file.name)
    found = [Listed(d.module, d.origin, d.version, d.library, tuple(sorted(served.get(d.module, ()))))
             for d in resolution.dependencies if not d.library or d.module in served]
    missing = [Listed(str(u.dep), "", "", False, (), u.remedy) for u in resolution.unresolved]
    return [*found, *missing]


def as_text(entries: list[Listed]) -> str:
    lines = []
    for entry in entries:
        if not entry.origin:
            lines.append(f"{entry.module}: not resolved: {entry.remedy}")
            continue
        version = f" {entry.version}" if entry.version else ""
        kind = " (library)" if entry.library else ""
        served = f"{len(entry.files)} file{'s' * (len(entry.files) != 1)}"
        lines.append(f"{entry.module}{kind}: {entry.origin}{version}: {served}")
        lines += [f"  {name}" for name in entry.files]
    return "".join(f"{line}\n" for line in lines)


def as_json(entries: list[Listed]) -> str:
    return json.dumps([asdict(e) | {"files": list(e.files)} for e in entries], indent=2) + "\n"
