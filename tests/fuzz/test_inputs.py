"""Fuzz: input references of every form with odd parts. Git inputs (a local repository, ``git:``
refs, ``file://`` clones, and remotes with credentials that cannot be reached) with random refs,
options and subdirectories; ``pkg:`` names; wheels holding anything. Each build ends with exit 0 or
1, a refusal is one line naming the input, and no credential is ever printed. No network: remotes
point at a closed local port."""

from __future__ import annotations

import importlib
import io
import os
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ..conftest import git, write_tree
from .conftest import FUZZ, clean_run

SECRET = "s3cr3t-pw"
ODD = ["main", "v1", "nope", "HEAD", "HEAD~1", "HEAD~9", "-q", "--all", "--output=x",
       "--upload-pack=touch pwned", "refs/heads/main", "refs/tags/v1", "a", "a/v1", "b", "..",
       "../..", "/etc", "", " ", "é", "0" * 40, "deadbeef", "x" * 300, "a\x00b", "main:a"]
WORD = st.sampled_from(ODD) | st.text(max_size=8)
OPTION = st.tuples(st.sampled_from(["branch", "tag", "ref", "commit", "subdir", "depth",
                                    "recurse_submodules", "nope", "", "format", "compression",
                                    "strip_components", "include_package_files"]),
                   WORD | st.sampled_from(["git", "dir", "tar", "zip", "binpb", "json", "txtpb",
                                           "protofile", "mod", "gzip", "zstd", "none", "true",
                                           "0", "1", "2"]))
OPTIONS = st.lists(OPTION, max_size=3).map(
    lambda parts: ",".join(f"{k}={v}" if k else v for k, v in parts))
# Remotes that cannot answer (a closed local port, a missing path) but carry credentials.
REMOTES = ["https://user:{s}@127.0.0.1:1/x.git", "http://{s}@127.0.0.1:1/x", "git://127.0.0.1:1/x",
           "ssh://user:{s}@127.0.0.1:1/x.git", "file://{s}@/nonexistent/x.git"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with a branch, a tag and a module in ``a``, plus one broken file later."""
    root = write_tree(tmp_path_factory.mktemp("repo"), {
        "a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nmessage A { string a = 1; }\n',
        "buf.yaml": "version: v2\nmodules:\n  - path: a\n"})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first")
    git(root, "tag", "v1")
    (root / "a/v1/b.proto").write_text('syntax = "proto3";\npackage a.v1;\nmessage B { Nope n = 1; }\n')
    git(root, "add", ".")
    git(root, "commit", "-qm", "broken")
    return root


def _refused_in_one_line(result_stderr: str) -> None:
    lines = result_stderr.strip().splitlines()
    assert len(lines) == 1 or all(".proto:" in line for line in lines), result_stderr


@settings(FUZZ, max_examples=120)
@given(data=st.data())
def test_git_inputs_build_or_are_refused_without_leaking_credentials(repo: Path,
                                                                     data: st.DataObject) -> None:
    form = data.draw(st.integers(0, 3))
    if form == 0:
        text, cwd = f".git#{data.draw(OPTIONS)}", repo
    elif form == 1:
        text, cwd = f"git:{data.draw(WORD)}#{data.draw(OPTIONS)}", repo
    elif form == 2:
        text, cwd = f"file://{repo}/.git#{data.draw(OPTIONS)}", repo.parent
    else:
        remote = data.draw(st.sampled_from(REMOTES)).format(s=SECRET)
        text, cwd = f"{remote}#{data.draw(OPTIONS)}", repo.parent
    result = clean_run("build", text, "-o", "/dev/null", cwd=cwd)
    assert SECRET not in result.stderr + result.stdout
    if result.exit_code == 1:
        _refused_in_one_line(result.stderr)


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A directory on ``sys.path`` where each example installs packages."""
    root = tmp_path_factory.mktemp("site")
    sys.path.insert(0, str(root))
    yield root
    sys.path.remove(str(root))


EMBEDDED = "descriptor_set.binpb"
CONTENT = st.sampled_from([b"", b"\x0a\x00", b"{}", b'{"file": []}', b"\xff" * 9,
                           b"\x0a\x05\x0a\x03a.p"]) | st.binary(max_size=40)


@settings(FUZZ, max_examples=80)
@given(data=st.data())
def test_pkg_and_wheel_inputs_build_or_are_refused_in_one_line(
        packages: Path, data: st.DataObject, rich_tree: Path) -> None:
    image = (rich_tree / "original.binpb").read_bytes()
    content = data.draw(CONTENT | st.just(image) | st.integers(0, len(image)).map(
        lambda n: image[:n]))
    if data.draw(st.booleans()):
        name = data.draw(st.sampled_from(["api", "api.sub", "os", "json", "protopact", "nope",
                                          "", "..", ".api", "api..x", "a-b", "\x00"])
                         | st.text(max_size=6))
        if data.draw(st.booleans()):
            package = write_tree(packages, {"api/__init__.py": "", "api/sub/__init__.py": ""})
            target = package / data.draw(st.sampled_from(["api", "api/sub"])) / EMBEDDED
            target.write_bytes(content)
        for module in ("api", "api.sub"):
            sys.modules.pop(module, None)
        importlib.invalidate_caches()
        text, cwd = f"pkg:{name}", packages
    else:
        wheel = packages / "api-1.0-py3-none-any.whl"
        if data.draw(st.integers(0, 4)) == 0:
            wheel.write_bytes(content)  # not a zip at all
        else:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                for member in data.draw(st.lists(st.sampled_from(
                        [f"api/{EMBEDDED}", f"api/sub/{EMBEDDED}", EMBEDDED, "api/__init__.py",
                         f"../{EMBEDDED}", f"/abs/{EMBEDDED}"]), max_size=3, unique=True)):
                    archive.writestr(member, content)
            wheel.write_bytes(buffer.getvalue()[:data.draw(st.sampled_from([None, 30, 200]))])
        text, cwd = wheel.name, packages
    result = clean_run("build", text, "-o", "/dev/null", cwd=cwd)
    if result.exit_code == 1:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("pkg:" if text.startswith("pkg:") else text), result.stderr


PATHS = ["", ".", "..", "/", "/dev/zero", "/dev/null", "/proc/self/status", "fifo.binpb",
         "x" * 300, "x" * 300 + "/a.proto", "-", "--help", "a\x00b", "a\nb", "image.json",
         "image.binpb/", "nope.whl", "a/v1", "a/v1/a.proto", "~", "pkg", "git", ".git", "x.git",
         "é", "-#format=json", "a/v1/a.proto#include_package_files=true", "x.tar.zst",
         "a#format=tar", "a/v1/a.proto#format=zip,strip_components=1", "buf.yaml#format=txtpb",
         "x.foo.gz", "#", "a#b#c", "buf.build/a/b"]


@settings(FUZZ, max_examples=60)
@given(text=st.sampled_from(PATHS) | st.text(max_size=8),
       restrict=st.lists(st.sampled_from(["--path", "--exclude-path"]).flatmap(
           lambda flag: st.tuples(st.just(flag), st.sampled_from(PATHS))), max_size=2))
def test_paths_of_any_kind_are_read_or_refused_in_one_line(
        repo: Path, text: str, restrict: list[tuple[str, str]]) -> None:
    if not (repo / "fifo.binpb").exists():
        os.mkfifo(repo / "fifo.binpb")  # never read: reading it would block
    flags = [f"{flag}={value}" for flag, value in restrict]
    result = clean_run("lint", *flags, "--", text, cwd=repo)
    if result.exit_code == 1:
        _refused_in_one_line(result.stderr)
