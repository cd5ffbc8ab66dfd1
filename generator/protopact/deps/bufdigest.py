"""buf's module digests, computed as buf computes them, to verify what a ``buf.lock`` pins.

Both kinds hash a *manifest*: one line ``shake256:<hex>  <path>`` per file, sorted by path, each
digest a 64-byte SHAKE256. The files are a module's ``.proto`` files, its ``LICENSE`` and the first
of ``buf.md``, ``README.md``, ``README.markdown`` that it has.

- ``shake256:`` (b4, in v1 locks): the manifest's digest, the manifest also listing the module's v1
  ``buf.yaml`` and ``buf.lock`` when it has them.
- ``b5:`` (v2 locks): the digest of the lines ``shake256:<manifest digest>`` and, sorted, the b5
  digests of the module's dependencies, joined by newlines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

B5, B4 = "b5", "shake256"
_DOCS = ("buf.md", "README.md", "README.markdown")
_LICENSE = "LICENSE"


def digest_type(digest: str) -> str:
    return digest.partition(":")[0]


def module_files(root: Path) -> dict[str, Path]:
    """The files of the module laid out under ``root`` that its digest covers, by module path."""
    found = {p.relative_to(root).as_posix(): p for p in root.rglob("*.proto") if p.is_file()}
    if (root / _LICENSE).is_file():
        found[_LICENSE] = root / _LICENSE
    doc = next((name for name in _DOCS if (root / name).is_file()), None)
    if doc is not None:
        found[doc] = root / doc
    return found


def b5_digest(files: Mapping[str, bytes], dep_digests: Iterable[str]) -> str:
    lines = [f"{B4}:{_shake(_manifest(files))}", *sorted(dep_digests)]
    return f"{B5}:{_shake(chr(10).join(lines).encode())}"


def b4_digest(files: Mapping[str, bytes], config_files: Mapping[str, bytes]) -> str:
    """``config_files``: the module's v1 ``buf.yaml`` and ``buf.lock`` by name, where it has them."""
    return f"{B4}:{_shake(_manifest({**files, **config_files}))}"


def _manifest(files: Mapping[str, bytes]) -> bytes:
    return "".join(f"{B4}:{_shake(files[p])}  {p}\n" for p in sorted(files)).encode()


def _shake(data: bytes) -> str:
    return hashlib.shake_256(data).hexdigest(64)
