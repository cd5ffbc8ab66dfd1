"""A contract repository as CI and pre-commit see it: an upstream with ``main``, and a clone whose
staged change deletes a field (a breaking change) with ``generated/`` regenerated, formatted and
lint-clean, so that only the breaking check has something to say."""

from __future__ import annotations

from pathlib import Path

from .conftest import git, run, write_tree

SHOP = "proto/acme/shop/v1/shop.proto"
NOTE = "  // A note.\n  string note = 2;\n"
TREE = {
    "buf.yaml": "version: v2\nmodules:\n  - path: proto\n",
    "pyproject.toml": '[tool.protopact]\nname = "acme-api"\nversion = "1.0.0"\nout = "generated"\n',
    SHOP: ('syntax = "proto3";\n\npackage acme.shop.v1;\n\n// An order.\nmessage Order {\n'
           f"  // The order's id.\n  string id = 1;\n{NOTE}}}\n"),
}
FINDING = (f'{SHOP}:6:1:Previously present field "2" with name "note" on message "Order" '
           "was deleted.")


def clone_with_breaking_change(root: Path) -> Path:
    """Make ``root/upstream`` and return its clone ``root/work`` holding the staged change."""
    upstream = write_tree(root / "upstream", TREE)
    git(upstream, "init", "-q", "-b", "main")
    assert run("generate", cwd=upstream).exit_code == 0
    git(upstream, "add", "-A")
    git(upstream, "commit", "-qm", "The shop's contract")
    git(root, "clone", "-q", str(upstream), "work")
    work = root / "work"
    shop = work / SHOP
    shop.write_text(shop.read_text().replace(NOTE, ""))
    assert run("generate", cwd=work).exit_code == 0
    git(work, "add", "-A")
    return work
