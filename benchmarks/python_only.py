"""``protopact generate`` restricted to the ``python`` renderer, for the generation benchmark.

The CLI renders every registered target; comparing that with ``protoc --python_out
--grpc_python_out`` would charge protopact for docs and OpenAPI too. This driver runs the same steps as
the CLI (load through the cache, render, write the tree, as a one-shot command) with only the python
renderer.

    python benchmarks/python_only.py INPUT OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from protopact.cli import load
from protopact.config.settings import load_settings
from protopact.render.targets import renderers
from protopact.render.writer import write_tree
from protopact.runtime import one_shot


@one_shot
def main(input_: str, out: str) -> int:
    (python,) = [r for r in renderers() if r.name == "python"]
    files = python.render(load(input_).image, load_settings(Path.cwd()))
    changes = write_tree(Path(out), files)
    print(f"{out}: {len(files)} files, {len(changes.written)} written")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
