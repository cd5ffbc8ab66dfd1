"""Images that import ``buf/validate/validate.proto``, compiled as a user's project compiles them:
``buf.yaml`` lists ``buf.build/bufbuild/protovalidate`` and the installed ``protovalidate``
distribution serves it (it ships generated code, not ``.proto`` sources)."""

from __future__ import annotations

from pathlib import Path

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input

BUF_YAML = "version: v2\ndeps:\n  - buf.build/bufbuild/protovalidate\n"


def validated_image(root: Path, files: dict[str, str]) -> Image:
    """Compile ``files`` (written under ``root``) with ``validate.proto`` importable; the image
    holds every file, the written ones as targets."""
    (root / "buf.yaml").write_text(BUF_YAML)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    image = load_input(str(root), cwd=root, cache=Cache(None)).image
    assert image.targets == frozenset(files), sorted(image.targets)
    return image
