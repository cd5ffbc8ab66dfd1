"""What a lint imports: the modules only some trees need are imported by the trees that need them.

A lint pays for every module it imports at each start, and after a one-file edit start-up is a large
part of its time. Each case lints in a fresh interpreter and lists the modules it ended with.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import write_tree

# modules a lint imports only where a tree needs them: the convention recognition (contract
# rules), the PROTOVALIDATE checks (files importing buf/validate/validate.proto) and json_format
# (JSON images)
ON_DEMAND = ("protopact.schema.conventions", "protopact.checks.lint.validate_file",
             "google.protobuf.json_format")
_LINT = """
import json, sys
from click.testing import CliRunner
from protopact.cli import cli
result = CliRunner().invoke(cli, sys.argv[1:], catch_exceptions=False)
print(json.dumps({"exit": result.exit_code, "modules": sorted(sys.modules)}))
"""


def _lint(root: Path, *args: str) -> tuple[int, set[str]]:
    env = {**os.environ, "PROTOPACT_CACHE_DIR": str(root / ".cache")}
    done = subprocess.run([sys.executable, "-c", _LINT, "lint", *args], cwd=root, env=env,
                          capture_output=True, text=True, check=True)
    out = json.loads(done.stdout.splitlines()[-1])
    return out["exit"], set(out["modules"])


def test_a_plain_tree_lints_without_the_modules_other_trees_need(tmp_path: Path) -> None:
    write_tree(tmp_path, {"buf.yaml": "version: v2\n",
                          "acme/v1/a.proto": 'syntax = "proto3";\npackage acme.v1;\n'
                                             "message A {\n  string Id = 1;\n}\n"})
    status, modules = _lint(tmp_path)
    assert status == 100  # FIELD_LOWER_SNAKE_CASE: the rules ran
    assert "protopact.checks.lint.protovalidate" in modules
    assert modules.isdisjoint(ON_DEMAND)


def test_the_contract_rules_import_the_recognition(tmp_path: Path) -> None:
    write_tree(tmp_path, {"buf.yaml": "version: v2\nlint:\n  use: [CONTRACT]\n",
                          "acme/v1/a.proto": 'syntax = "proto3";\npackage acme.v1;\n'
                                             "message A {\n  string id = 1;\n}\n"})
    _, modules = _lint(tmp_path)
    assert "protopact.schema.conventions" in modules
