"""Each side of ``breaking`` is laid out by its own buf.yaml: verdicts equal buf's for every layout.

The same logical files are placed by each layout (v2 modules, v1beta1 ``build.roots`` and
``excludes``, v1 ``excludes``); the input's config chooses the rules, the baseline's only says where
its files are. Baselines are read as directories, git repositories and archives.
"""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

import pytest

from .conftest import git, write_tree
from .test_breaking_modules import _json_verdicts, _protopact

BASELINE = {
    "foo/a.proto": 'syntax = "proto3";\npackage foo;\nmessage A { string x = 1; }\n',
    "foo/gone.proto": 'syntax = "proto3";\npackage foo;\nmessage G {}\n',
    "bar/b.proto": 'syntax = "proto3";\npackage bar;\nimport "foo/a.proto";\n'
                   "message B { foo.A a = 1; int32 n = 2; }\n",
}
CURRENT = {
    "foo/a.proto": 'syntax = "proto3";\npackage foo.v2;\nmessage A { string x = 1; }\n',
    "bar/b.proto": 'syntax = "proto3";\npackage bar;\nimport "foo/a.proto";\n'
                   "message B { foo.v2.A a = 1; }\n",
}
BROKEN = "this file does not compile\n"  # only ever under an excluded directory
RULES = "breaking:\n  use: [FILE]\n"
OTHER_RULES = "breaking:\n  use: [WIRE]\n"  # a baseline's rules are never used

# layout name -> (buf.yaml, where each logical file goes)
LAYOUTS = {
    "v2": ("version: v2\n", lambda name: name),
    "v2_module": ("version: v2\nmodules:\n  - path: proto\n", lambda name: f"proto/{name}"),
    "v2_two_modules": ("version: v2\nmodules:\n  - path: m1\n  - path: m2\n",
                       lambda name: f"m1/{name}" if name.startswith("foo/") else f"m2/{name}"),
    # the same two modules, paired in path order: n1 holds what m2 holds
    "v2_two_modules_crossed": ("version: v2\nmodules:\n  - path: n2\n  - path: n1\n",
                               lambda name: f"n2/{name}" if name.startswith("foo/") else f"n1/{name}"),
    "v1beta1_root": ("version: v1beta1\nbuild:\n  roots: [root]\n", lambda name: f"root/{name}"),
    "v1beta1_roots": ("version: v1beta1\nbuild:\n  roots: [r1, r2]\n  excludes: [r2/skip]\n",
                      lambda name: f"r1/{name}" if name.startswith("foo/") else f"r2/{name}"),
    "v1beta1_excludes": ("version: v1beta1\nbuild:\n  roots: [root]\n  excludes: [root/skip]\n",
                         lambda name: f"root/{name}"),
    "v1_excludes": ("version: v1\nbuild:\n  excludes: [skip]\n", lambda name: name),
}
_EXCLUDED = {"v1beta1_roots": "r2/skip/x.proto", "v1beta1_excludes": "root/skip/x.proto",
             "v1_excludes": "skip/x.proto"}


def _tree(root: Path, layout: str, files: dict[str, str], rules: str) -> None:
    config, place = LAYOUTS[layout]
    tree = {place(name): text for name, text in files.items()}
    if layout in _EXCLUDED:
        tree[_EXCLUDED[layout]] = BROKEN
    write_tree(root, {"buf.yaml": config + rules, **tree})


PAIRS = [  # (input layout, baseline layout, baseline form)
    *(("v2", layout, "dir") for layout in LAYOUTS if "two" not in layout),
    ("v1beta1_roots", "v2", "dir"),
    ("v1beta1_roots", "v1beta1_root", "dir"),
    ("v1_excludes", "v1beta1_roots", "dir"),
    ("v2_two_modules", "v2_two_modules", "dir"),
    ("v2_two_modules", "v2_two_modules_crossed", "dir"),
    ("v2", "v1beta1_roots", "git"),
    ("v2_module", "v1beta1_excludes", "git"),
    ("v2_two_modules", "v2_two_modules_crossed", "git"),
    ("v2", "v1beta1_roots", "tgz"),
    ("v2_module", "v1beta1_excludes", "zip"),
    ("v2_two_modules", "v2_two_modules_crossed", "tar"),
]


@pytest.mark.parametrize(("current", "baseline", "form"), PAIRS,
                         ids=["-".join(p) for p in PAIRS])
def test_each_side_laid_out_by_its_own_config_agrees_with_buf(
        tmp_path: Path, buf: str, current: str, baseline: str, form: str) -> None:
    _tree(tmp_path / "cur", current, CURRENT, RULES)
    _tree(tmp_path / "base", baseline, BASELINE, OTHER_RULES)
    against = "../base"
    if form == "git":
        git(tmp_path / "base", "init", "-q", "-b", "main")
        git(tmp_path / "base", "add", "-A")
        git(tmp_path / "base", "commit", "-qm", "base")
        against = "../base/.git#branch=main"
    elif form != "dir":  # an archive whose files are under one top directory, as GitHub's are
        archive = tmp_path / f"base.{form}"
        if form == "zip":
            with zipfile.ZipFile(archive, "w") as out:
                for path in sorted((tmp_path / "base").rglob("*")):
                    out.write(path, f"base-main/{path.relative_to(tmp_path / 'base')}")
        else:
            with tarfile.open(archive, "w:gz" if form == "tgz" else "w") as out:
                out.add(tmp_path / "base", "base-main")
        against = f"../base.{form}#strip_components=1"
    theirs = _json_verdicts([buf], tmp_path / "cur", "--against", against)
    assert theirs[0] == 100 and any("FILE_NO_DELETE" in row for row in theirs[1]), theirs
    assert _json_verdicts(_protopact(), tmp_path / "cur", "--against", against) == theirs


@pytest.mark.parametrize(("config", "problem"), [
    ("version: v1beta1\nbuild:\n  roots: [a, a]\n", "build.roots lists a root twice"),
    ("version: v1beta1\nbuild:\n  roots: [a]\n  excludes: [b/x]\n",
     "build.excludes path 'b/x' is not within any of build.roots"),
    ("version: v1beta1\nbuild:\n  roots: [../a]\n", "must be a relative path inside the project"),
])
def test_bad_roots_are_one_line_errors(tmp_path: Path, config: str, problem: str) -> None:
    from .conftest import run

    write_tree(tmp_path, {"buf.yaml": config, "a/x.proto": 'syntax = "proto3";\n'})
    result = run("build", ".", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("buf.yaml: ") and problem in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
