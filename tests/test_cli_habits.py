"""Everyday CLI habits: --target, -q, progress bars only on a terminal (without colour under
NO_COLOR), shell completion and --version."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from protopact.render.writer import MANIFEST

from .conftest import REPO, run, write_tree
from .contract_repo import TREE

PROTOPACT = str(Path(sys.executable).parent / "protopact")
# An SGR sequence that sets a foreground or background colour.
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_target_renders_only_the_targets_named(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    assert run("generate", cwd=tmp_path).exit_code == 0
    before = _files(tmp_path / "generated")
    shop = tmp_path / "proto/acme/shop/v1/shop.proto"
    shop.write_text(shop.read_text() + "\n// A refund.\nmessage Refund {\n  string id = 1;\n}\n")
    result = run("generate", "--target", "openapi", "-t", "docs", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    after = _files(tmp_path / "generated")
    changed = {name.split("/")[0] for name in before if after.get(name) != before[name]}
    assert changed == {"openapi", "docs", MANIFEST}
    assert b"Refund" in after["openapi/openapi.yaml"]
    manifest = json.loads(after[MANIFEST])["files"]
    assert {n for n in before if n.startswith("python/")} <= set(manifest)  # still protopact's
    assert run("generate", "--check", "--target", "openapi", cwd=tmp_path).exit_code == 0
    stale = run("generate", "--check", cwd=tmp_path)
    assert stale.exit_code == 1 and "generated/python/" in stale.stderr
    assert "generated/openapi/" not in stale.stderr
    assert run("generate", "--target", "python", cwd=tmp_path).exit_code == 0
    assert run("generate", "--check", cwd=tmp_path).exit_code == 0
    bad = run("generate", "--target", "rust", cwd=tmp_path)
    assert bad.exit_code == 2 and "'rust' is not one of" in bad.stderr


def test_quiet_prints_only_results(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    loud = run("generate", cwd=tmp_path)
    assert loud.exit_code == 0 and "generated: " in loud.stdout
    quiet = run("-q", "generate", cwd=tmp_path)
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""
    (tmp_path / "proto/acme/shop/v1/shop.proto").write_text('syntax = "proto3";\npackage acme;\n')
    lint = run("--quiet", "lint", cwd=tmp_path)
    assert lint.exit_code == 100 and "suffixed with a correctly formed version" in lint.stdout


def _on_a_terminal(args: list[str], cwd: Path, **env: str) -> str:
    """Run protopact with its stderr on a pseudo-terminal; what the terminal showed."""
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update(TERM="xterm-256color", **env)
    with subprocess.Popen([PROTOPACT, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=follower,
                          env=environment) as child:
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        assert child.wait() == 0, shown
    os.close(leader)
    return shown.decode(errors="replace")


def test_progress_bar_only_on_a_terminal_and_without_colour_under_no_color(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    coloured = _on_a_terminal(["generate", "--out", "a"], tmp_path)
    assert "Rendering" in coloured and COLOUR.search(coloured)
    plain = _on_a_terminal(["generate", "--out", "b"], tmp_path, NO_COLOR="1")
    assert "Rendering" in plain and not COLOUR.search(plain)
    assert "Rendering" not in _on_a_terminal(["-q", "generate", "--out", "c"], tmp_path)
    piped = subprocess.run([PROTOPACT, "generate", "--out", "d"], cwd=tmp_path, capture_output=True,
                           text=True, check=True)
    assert "Rendering" not in piped.stderr and "\x1b" not in piped.stderr + piped.stdout


def _complete(words: str) -> list[str]:
    env = {**os.environ, "_PROTOPACT_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split(" ")) - 1)}
    done = subprocess.run([PROTOPACT], env=env, capture_output=True, text=True, check=True)
    return [line.split(",", 1)[1] for line in done.stdout.splitlines()]


def test_shell_completion_the_click_way() -> None:
    assert _complete("protopact gen") == ["generate"]
    assert _complete("protopact generate --target ") == ["docs", "openapi", "python"]
    script = subprocess.run([PROTOPACT], env={**os.environ, "_PROTOPACT_COMPLETE": "bash_source"},
                            capture_output=True, text=True, check=True).stdout
    assert "complete -o nosort -F _protopact_completion protopact" in script


def test_version_names_protoc_and_buf() -> None:
    lines = subprocess.run([PROTOPACT, "--version"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    protoc = subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "--version"],
                            capture_output=True, text=True, check=True).stdout.split()[-1]
    buf = json.loads((REPO / "package.json").read_text())["devDependencies"]["@bufbuild/buf"]
    assert lines[0] == "protopact 0.1.0"
    assert lines[1].startswith(f"protoc {protoc} (grpcio-tools ")
    assert lines[2].startswith(f"buf {'.'.join(buf.split('.')[:2])} compatible")
