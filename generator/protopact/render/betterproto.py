"""The ``betterproto2`` flavor: dataclass messages from ``betterproto2-compiler``, in process.

The compiler is called as a library on a ``CodeGeneratorRequest`` built from the Image. Its output
imports its own modules relatively, so it is placed unchanged in a sub-package. Unlike the protobuf
flavor it also emits the google packages it references: betterproto2 messages cannot use protobuf's
classes. betterproto2-compiler formats its output with ``ruff`` (run as a program): the ``ruff``
installed beside the running Python comes first, so the formatter is the one protopact installed.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from google.protobuf.compiler import plugin_pb2

from ..compile.image import Image
from ..errors import ProtopactError

BETTERPROTO_PACKAGE = "betterproto"


def betterproto_modules(image: Image, names: Sequence[str], *, root: str) -> dict[str, bytes]:
    """The betterproto2 modules for ``names``, keyed by path inside the sub-package."""
    from betterproto2_compiler.lib.google.protobuf.compiler import CodeGeneratorRequest
    from betterproto2_compiler.plugin.parser import generate_code

    request = plugin_pb2.CodeGeneratorRequest(proto_file=image.files, file_to_generate=names)
    with _ruff_on_path(), contextlib.redirect_stderr(io.StringIO()):
        response = generate_code(CodeGeneratorRequest.parse(request.SerializeToString()))
    if response.error:
        raise ProtopactError(f"betterproto2: {response.error}")
    files = {f.name: f.content.encode() for f in response.file}
    files["__init__.py"] = (f'"""Dataclass messages of {root} (betterproto2)."""\n').encode()
    return dict(sorted(files.items()))


@contextlib.contextmanager
def _ruff_on_path() -> Iterator[None]:
    scripts = str(Path(sys.executable).parent)
    if not (Path(scripts) / "ruff").exists():
        if shutil.which("ruff") is None:
            raise ProtopactError("betterproto2: the ruff program is not installed")
        yield
        return
    saved = os.environ.get("PATH", "")
    os.environ["PATH"] = scripts + os.pathsep + saved
    try:
        yield
    finally:
        os.environ["PATH"] = saved
