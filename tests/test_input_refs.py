"""Every input form buf reads, read as buf reads it: the same image from ``build`` and the same
findings from ``lint`` (archives local and served over HTTP, images in each encoding and compression,
on standard input, git repositories named by ``#format=git``, single ``.proto`` files), and each bad
reference refused with buf's words, in one line naming it."""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import zstandard

from protopact.compile.inputs import read_image_file

from .conftest import buf_binary, git, run, tar_bytes, write_tree, zip_bytes

WORKSPACE = {
    "buf.yaml": "version: v2\nmodules:\n  - path: proto\n",
    "proto/acme/v1/a.proto": 'syntax = "proto3";\npackage acme.v1;\nmessage a {}\n',
    "proto/acme/v1/b.proto": 'syntax = "proto3";\npackage acme.v1;\nmessage b {}\n',
    "proto/acme/v2/c.proto": 'syntax = "proto3";\npackage acme.v2;\nimport "acme/v1/a.proto";\n'
                             'import "google/protobuf/empty.proto";\n'
                             "message c { acme.v1.a x = 1; google.protobuf.Empty e = 2; }\n",
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Archives, images and repositories of one workspace, side by side."""
    root = tmp_path_factory.mktemp("inputs")
    ws = write_tree(root / "ws", WORKSPACE)
    flat = {name: text.encode() for name, text in WORKSPACE.items()}
    nested = {f"ws-main/{name}": data for name, data in flat.items()}
    (root / "nested.tar").write_bytes(tar_bytes(nested))
    (root / "flat.tgz").write_bytes(tar_bytes(flat, mode="w:gz"))
    (root / "flat.tar.zst").write_bytes(zstandard.ZstdCompressor().compress(tar_bytes(flat)))
    (root / "nested.zip").write_bytes(zip_bytes(nested))
    (root / "blob").write_bytes(tar_bytes(flat, mode="w:gz"))
    buf = buf_binary()
    for name in ("image.binpb", "image.json", "image.txtpb", "image.binpb.gz", "image.json.zst"):
        subprocess.run([buf, "build", "ws", "-o", name], cwd=root, check=True)
    (root / "image-bytes").write_bytes((root / "image.binpb").read_bytes())
    git(ws, "init", "-q", "-b", "main")
    git(ws, "add", "-A")
    git(ws, "commit", "-qm", "one")
    git(ws, "tag", "v1")
    (ws / "proto/acme/v1/d.proto").write_text('syntax = "proto3";\npackage acme.v1;\nmessage D {}\n')
    git(ws, "add", "-A")
    git(ws, "commit", "-qm", "two")
    git(root, "clone", "-q", "--bare", "ws", "bare-repo")
    return root


@pytest.fixture(scope="module")
def served(inputs: Path) -> Iterator[str]:
    """A local HTTP server for the inputs directory."""
    handler = functools.partial(_QuietHandler, directory=str(inputs))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _files(path: Path) -> dict[str, bool]:
    """Each file of an image and whether it is a target."""
    image = read_image_file(path, path.name)
    return {f.name: f.name in image.targets for f in image.files}


LOCAL = [
    "ws", "nested.tar#strip_components=1", "nested.tar#strip_components=1,subdir=proto",
    "flat.tgz", "flat.tar.zst", "nested.zip#strip_components=1,subdir=proto",
    "blob#format=tar,compression=gzip", "image.binpb", "image.json", "image.txtpb",
    "image.binpb.gz", "image.json.zst", "image-bytes#format=binpb",
    "bare-repo#format=git", "bare-repo#format=git,ref=HEAD~1,branch=main",
    "ws/.git#branch=main,subdir=proto", "ws/proto/acme/v2/c.proto",
    "ws/proto/acme/v1/a.proto#include_package_files=true",
]


def _same_build(buf: str, cwd: Path, ref: str, stdin: bytes | None = None) -> dict[str, bool]:
    theirs = subprocess.run([buf, "build", ref, "-o", "theirs.binpb"], cwd=cwd, input=stdin,
                            capture_output=True, check=False)
    assert theirs.returncode == 0, theirs.stderr
    ours = run("build", "-o", "ours.binpb", "--", ref, cwd=cwd, stdin=stdin)
    assert ours.exit_code == 0, (ref, ours.stderr)
    expected = _files(cwd / "theirs.binpb")
    assert _files(cwd / "ours.binpb") == expected, ref
    return expected


@pytest.mark.parametrize("ref", LOCAL)
def test_local_inputs_build_the_image_buf_builds(inputs: Path, buf: str, ref: str) -> None:
    files = _same_build(buf, inputs, ref)
    assert any(files.values())


def test_remote_inputs_and_standard_input(inputs: Path, served: str, buf: str) -> None:
    for ref in (f"{served}/flat.tgz", f"{served}/nested.zip#strip_components=1,subdir=proto",
                f"{served}/image.json.zst", f"{served}/blob#format=tar,compression=gzip",
                f"file://{inputs}/bare-repo#format=git", f"file://{inputs}/flat.tar.zst"):
        assert _same_build(buf, inputs, ref)
    assert "acme/v1/d.proto" in _same_build(buf, inputs, f"file://{inputs}/ws/.git")
    image = (inputs / "image.binpb").read_bytes()
    assert _same_build(buf, inputs, "-", stdin=image)
    json_image = (inputs / "image.json").read_bytes()
    assert _same_build(buf, inputs, "-#format=json", stdin=json_image)
    assert run("build", "-#format=json", "-o", "direct.binpb", cwd=inputs,
               stdin=json_image).exit_code == 0  # no "--" needed: not an option
    assert _files(inputs / "direct.binpb") == _files(inputs / "theirs.binpb")
    missing = run("build", f"{served}/nowhere.tgz", cwd=inputs)
    assert missing.exit_code == 1 and "404" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("ref", ["nested.tar#strip_components=1,subdir=proto",
                                 "ws/proto/acme/v1/a.proto#include_package_files=true",
                                 "bare-repo#format=git,ref=HEAD~1,branch=main"])
def test_lint_reports_what_buf_reports_on_each_form(inputs: Path, buf: str, ref: str) -> None:
    theirs = subprocess.run([buf, "lint", ref, "--error-format", "json"], cwd=inputs,
                            capture_output=True, text=True, check=False)
    ours = run("lint", ref, "--error-format", "json", cwd=inputs)
    assert (ours.exit_code, ours.stdout) == (theirs.returncode, theirs.stdout), ref
    assert theirs.returncode == 100 and json.loads(theirs.stdout.splitlines()[0])["path"]


def test_a_tag_with_its_commit_reads_both_and_refuses_a_disagreement(inputs: Path,
                                                                     buf: str) -> None:
    tagged = git(inputs / "ws", "rev-parse", "v1^{commit}").strip()
    head = git(inputs / "ws", "rev-parse", "HEAD").strip()
    for repo in ("ws/.git", f"file://{inputs}/ws/.git"):
        for options in (f"tag=v1,commit={tagged}", f"commit={tagged},tag=v1"):
            assert "acme/v1/d.proto" not in _same_build(buf, inputs, f"{repo}#{options}")
        # buf reads the tag or the commit, whichever it happens to take last
        ref = f"{repo}#tag=v1,commit={head}"
        refused = run("build", ref, cwd=inputs)
        assert (refused.exit_code, refused.stderr) == (
            1, f"{ref}: tag v1 is commit {tagged}, not {head}\n")
    assert "acme/v1/d.proto" in _same_build(buf, inputs, f"ws/.git#commit={head}")


BAD = [
    "x.tar#depth=0", "x.git#depth=a", "x.git#branch=a,tag=b", "x.git#ref=a,tag=b",
    "x.git#commit=a,branch=b", "x.git#ref=a,commit=b", "x.tar#foo=1",
    "x#format=bogus", "x.zip#compression=gzip", "x.tar#compression=lz", "x#strip_components=1",
    "x.binpb#subdir=a", "x.binpb#branch=main", "x.git#recurse_submodules=maybe",
    "x.proto#include_package_files=maybe", "#format=dir", "x#a#b", "x#format",
    "x#format=dir,format=dir", "x.foo.zst", "x.git#subdir=../a", "x.tar#subdir=/abs",
]


def test_bad_references_are_refused_in_bufs_words(tmp_path: Path, buf: str) -> None:
    for ref in BAD:
        theirs = subprocess.run([buf, "build", ref], cwd=tmp_path, capture_output=True, text=True, check=False)
        assert theirs.returncode == 1 and theirs.stderr.startswith("Failure: "), (ref, theirs)
        words = theirs.stderr.strip().removeprefix("Failure: ")
        words = words.replace(f'for input "{ref}" ', "").removeprefix(f'"{ref}" ')
        ours = run("build", ref, cwd=tmp_path)
        assert (ours.exit_code, ours.stderr) == (1, f"{ref}: {words}\n")


def test_protopact_forms_and_registry_modules(tmp_path: Path) -> None:
    write_tree(tmp_path, WORKSPACE)
    for ref, problem in [
        ("buf.build/acme/weather", "a module on a Buf Schema Registry"),
        ("https://example.invalid/repo", "invalid dir path"),
        ("git:main#branch=main", "git:REF names its ref itself"),
        ("proto#format=protofile", "is not a .proto file"),
        ("nope.tgz", "no such file or directory"),
        ("buf.yaml#format=tar", "not a readable tar archive"),
        ("buf.yaml#format=binpb,compression=zstd", "not valid zstd data"),
    ]:
        result = run("build", ref, cwd=tmp_path)
        assert result.exit_code == 1 and result.stderr.startswith(f"{ref}: "), result.stderr
        assert problem in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_recurse_submodules_reads_the_submodules_files(tmp_path: Path, buf: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # git refuses file:// submodules unless told (a local test's only way to have one)
    for key, value in {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "protocol.file.allow",
                       "GIT_CONFIG_VALUE_0": "always"}.items():
        monkeypatch.setenv(key, value)
    dep = write_tree(tmp_path / "dep", {
        "dep/v1/dep.proto": 'syntax = "proto3";\npackage dep.v1;\nmessage Dep {}\n'})
    git(dep, "init", "-q", "-b", "main")
    git(dep, "add", "-A")
    git(dep, "commit", "-qm", "dep")
    top = write_tree(tmp_path / "top", {
        "buf.yaml": "version: v2\nmodules:\n  - path: proto\n  - path: third_party\n",
        "proto/acme/v1/a.proto": 'syntax = "proto3";\npackage acme.v1;\nimport "dep/v1/dep.proto";\n'
                                 "message A { dep.v1.Dep d = 1; }\n"})
    git(top, "init", "-q", "-b", "main")
    git(top, "submodule", "add", "-q", str(dep), "third_party")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "top")
    without = run("build", "top/.git#branch=main", cwd=tmp_path)
    assert without.exit_code == 1 and "dep/v1/dep.proto" in without.stderr
    for ref in ("top/.git#branch=main,recurse_submodules=true",
                f"file://{top}#format=git,recurse_submodules=true",
                "top/.git#ref=HEAD,recurse_submodules=true,subdir=."):
        assert _same_build(buf, tmp_path, ref) == {"acme/v1/a.proto": True,
                                                     "dep/v1/dep.proto": True}


# Each layout: a repository whose subdir ``proto`` is governed by a config above it, or not. The
# names break STANDARD's casing and version rules, so which config was read shows in the findings.
_CASED = {"proto/a/x.proto": 'syntax = "proto3";\npackage a;\nmessage foo { int32 Bar = 1; }\n',
          "other/o.proto": 'syntax = "proto3";\npackage o;\nmessage bad_name {}\n'}
_V1 = "version: v1\nlint:\n  use: [STANDARD]\n  except: [FIELD_LOWER_SNAKE_CASE]\n"
_V2 = "version: v2\nmodules: [{path: %s}]\nlint: {use: [STANDARD], except: [MESSAGE_PASCAL_CASE]}\n"
CONTROLLED = {
    "v2-above": {"buf.yaml": _V2 % "proto"},
    "v2-above-v1-inside": {"buf.yaml": _V2 % "proto", "proto/buf.yaml": _V1},
    "v2-above-other-module": {"buf.yaml": _V2 % "other", "proto/buf.yaml": _V1},
    "v2-module-inside": {"buf.yaml": _V2 % "proto/a"},
    "work-above": {"buf.work.yaml": "version: v1\ndirectories: [proto, other]\n",
                   "proto/buf.yaml": _V1},
    "v1-inside-only": {"proto/buf.yaml": _V1},
}


@pytest.mark.parametrize("layout", sorted(CONTROLLED))
def test_a_subdir_is_read_with_the_config_that_controls_it(tmp_path: Path, buf: str,
                                                           layout: str) -> None:
    repo = write_tree(tmp_path / "repo", {**_CASED, **CONTROLLED[layout]})
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    (tmp_path / "repo.tar").write_bytes(tar_bytes(
        {p.relative_to(repo).as_posix(): p.read_bytes() for p in repo.rglob("*")
         if p.is_file() and ".git" not in p.parts}))
    # two from inside the subdir: its config may be above the working directory
    for where, ref in ((tmp_path, "repo/.git#subdir=proto"),
                       (tmp_path, f"file://{repo}/.git#subdir=proto"),
                       (tmp_path, "repo.tar#subdir=proto"), (tmp_path, "repo/proto"),
                       (repo / "proto", "."), (repo / "proto/a", "../../other"),
                       # written whole, a directory's files are shown whole, even inside cwd
                       (repo / "proto", str(repo / "proto")), (tmp_path, str(repo / "proto"))):
        theirs = subprocess.run([buf, "lint", ref, "--error-format", "json"], cwd=where,
                                capture_output=True, text=True, check=False)
        ours = run("lint", ref, "--error-format", "json", cwd=where)
        assert (ours.exit_code, ours.stdout) == (theirs.returncode, theirs.stdout), (ref, ours)
        assert theirs.returncode == 100


def test_a_subdir_inside_a_module_is_that_module_limited_to_it(tmp_path: Path) -> None:
    """buf refuses it ("contained by module"); protopact reads it as the module with --path."""
    repo = write_tree(tmp_path / "repo", {**_CASED, **CONTROLLED["v2-above"]})
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    whole = run("lint", "repo/.git", "--path", "proto/a", cwd=tmp_path)
    limited = run("lint", "repo/.git#subdir=proto/a", cwd=tmp_path)
    assert limited.exit_code == whole.exit_code == 100
    assert limited.stdout == whole.stdout and "PascalCase" not in limited.stdout
