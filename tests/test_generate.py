"""``protopact generate``: the writer's guarantees, --check, settings, golden output and odd trees."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from protopact.compile.cache import Cache
from protopact.compile.inputs import load_input
from protopact.compile.protoc import invoke_protoc
from protopact.deps.library import library_dependencies
from protopact.config.settings import load_settings
from protopact.errors import ProtopactError
from protopact.render import pyimports
from protopact.render import python as python_renderer
from protopact.render.pycodegen import Stubs, python_code
from protopact.render.python import render_python
from protopact.render.writer import MANIFEST, plan_tree, write_tree
from tests.conftest import REPO, run
from tests.conftest import write_tree as write_files

GOLDEN = REPO / "tests" / "golden" / "python_small"


def _render(root: Path) -> dict[str, bytes]:
    image = load_input(".", cwd=root, cache=Cache(None)).image
    return render_python(image, load_settings(root))


def test_golden_python_small() -> None:
    """Regenerate with PROTOPACT_UPDATE_GOLDEN=1."""
    files = _render(GOLDEN / "input")
    expected = GOLDEN / "expected"
    if os.environ.get("PROTOPACT_UPDATE_GOLDEN") == "1":
        write_tree(expected, files)
    assert plan_tree(expected, files).differs == ()


@pytest.mark.parametrize(("join_from", "sides"), [(0, 2), (10**6, 1)])
def test_stubs_made_in_many_chunks_are_the_same(monkeypatch: pytest.MonkeyPatch, join_from: int,
                                                sides: int) -> None:
    """Stubs come in chunks claimed by the renderer's thread and, once protoc is done, by the
    renderer itself if enough are left. One file per chunk, and a slow thread, make them share."""
    whole = _render(GOLDEN / "input")
    claims: list[int] = []
    real_claim = python_renderer._claim

    def counted(counter: Any) -> int:
        claims.append(real_claim(counter))
        return claims[-1]

    class SlowOnThread(Stubs):
        def of(self, names: Iterable[str]) -> dict[str, str]:
            if threading.current_thread() is not threading.main_thread():
                time.sleep(0.5)
            return super().of(names)

    monkeypatch.setattr(python_renderer, "_STUB_CHUNK", 1)
    monkeypatch.setattr(python_renderer, "_JOIN_FROM", join_from)
    monkeypatch.setattr(python_renderer, "_claim", counted)
    monkeypatch.setattr(python_renderer, "Stubs", SlowOnThread)
    assert _render(GOLDEN / "input") == whole
    chunks = sum(path.endswith("_pb2.pyi") for path in whole)
    # One claim per chunk, and one more by each side that took part, which finds nothing left.
    assert chunks > 1 and sorted(claims) == list(range(chunks + sides))


# A fresh process (forking needs a single thread): chunks of one file, shared with a forked one.
FORKED_CHUNKS = """
import hashlib, sys
from pathlib import Path
from protopact.compile.cache import Cache
from protopact.compile.inputs import load_input
from protopact.compile.protoc import invoke_protoc
from protopact.config.settings import load_settings
from protopact.render import python

forks = []
real = python.beside
def spy(task, *, fork):
    forks.append(fork)
    return real(task, fork=fork)
python._STUB_CHUNK, python._PARALLEL_FILES, python._JOIN_FROM, python.beside = 1, 1, 0, spy
root = Path(sys.argv[1])
files = python.render_python(load_input(".", cwd=root, cache=Cache(None)).image, load_settings(root))
assert forks == [True], forks
print(hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest())
"""


def test_stubs_shared_with_a_forked_process_are_the_same() -> None:
    whole = _render(GOLDEN / "input")
    forked = subprocess.run([sys.executable, "-c", FORKED_CHUNKS, str(GOLDEN / "input")],
                            capture_output=True, text=True, check=True)
    assert forked.stdout.strip() == hashlib.sha256(repr(sorted(whole.items())).encode()).hexdigest()


@pytest.mark.parametrize("tree", [
    GOLDEN / "input",
    {"j/v1/j.proto": """
        syntax = "proto2";
        package j.v1;
        message M {
          optional string foo_bar = 1 [json_name = "fooBar"];  // written, and equal to the default
          optional string baz_qux = 2;
          optional string other = 3 [json_name = "x"];
          message N { optional int32 deep_one = 1 [json_name = "d"]; optional int32 deep_two = 2; }
          extend M { optional int32 ext_field = 100; }
          extensions 100 to 200;
        }
    """},
])
def test_modules_are_what_protoc_writes_from_the_sources(tree: Path | dict[str, str],
                                                         tmp_path: Path) -> None:
    """Generated from a compiled set, each ``_pb2.py`` (before its imports move into the package)
    is byte for byte what protoc writes compiling the sources: the set's filled-in ``json_name`` s
    are not embedded, the written ones are."""
    root = tree if isinstance(tree, Path) else write_files(tmp_path / "in", tree)
    image = load_input(".", cwd=root, cache=Cache(None)).image
    names = sorted(n for n in image.targets if python_renderer.provider(n) is None)
    ours = python_code(image, names)
    out = tmp_path / "protoc"
    out.mkdir()
    library_roots = [r for d in library_dependencies() for r in d.contents.roots]
    invoke_protoc([f"--proto_path={r}" for r in (root, *library_roots)]
                  + [f"--python_out={out}", *names])
    theirs = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*_pb2.py")}
    assert {p: d for p, d in ours.items() if p.endswith("_pb2.py")} == theirs


def test_output_is_identical_across_runs_and_directories(tmp_path: Path) -> None:
    copy = write_files(tmp_path / "elsewhere", {
        str(p.relative_to(GOLDEN / "input")): p.read_bytes()
        for p in (GOLDEN / "input").rglob("*") if p.is_file()})
    first, second = _render(GOLDEN / "input"), _render(copy)
    assert first == second
    assert not any(str(tmp_path).encode() in data or str(REPO).encode() in data
                   for data in first.values())


def test_imports_are_rewritten_into_the_package() -> None:
    files = _render(GOLDEN / "input")
    modern = files["shop_api/legacy/modern_pb2.py"].decode()
    assert "import shop_api.old_pb2 as old__pb2" in modern
    assert "'shop_api.legacy.modern_pb2'" in modern
    shop = files["shop_api/shop/v1/shop_pb2.pyi"].decode()
    assert "from google.protobuf import timestamp_pb2" in shop
    assert "from google.rpc import status_pb2" in shop
    assert not any(name.startswith("shop_api/google/") for name in files)
    pyproject = files["pyproject.toml"].decode()
    assert '"googleapis-common-protos>=1.66,<2"' in pyproject and '"grpcio>=' in pyproject


def test_repo_generated_tree_is_up_to_date() -> None:
    result = run("generate", "--check", cwd=REPO)
    assert result.exit_code == 0, result.stderr


def test_check_lists_stale_files_and_writes_nothing(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nmessage A {}\n'})
    assert run("generate", cwd=root).exit_code == 0
    module = root / "generated/python/a_api/a/v1/a_pb2.py"
    module.write_text("edited")
    result = run("generate", "--check", cwd=root)
    assert result.exit_code == 1
    assert "generated/python/a_api/a/v1/a_pb2.py: out of date" in result.stderr
    assert module.read_text() == "edited"
    assert run("generate", cwd=root).exit_code == 0
    assert run("generate", "--check", cwd=root).exit_code == 0


def test_stale_generated_files_go_and_foreign_files_stay(tmp_path: Path) -> None:
    root = write_files(tmp_path, {
        "pyproject.toml": '[tool.protopact]\nname = "proto-api"\n',
        "a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nmessage A {}\n',
        "b/v1/b.proto": 'syntax = "proto3";\npackage b.v1;\nmessage B {}\n',
        "generated/python/NOTES.md": "mine",
    })
    assert run("generate", cwd=root).exit_code == 0
    (root / "b/v1/b.proto").unlink()
    result = run("generate", cwd=root)
    assert result.exit_code == 0, result.stderr
    assert not (root / "generated/python/proto_api/b").exists()
    assert (root / "generated/python/NOTES.md").read_text() == "mine"
    manifest = json.loads((root / "generated" / MANIFEST).read_text())
    assert "python/NOTES.md" not in manifest["files"]
    assert "python/proto_api/a/v1/a_pb2.py" in manifest["files"]


def test_a_manifest_naming_paths_outside_the_output_is_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"a.py": b"a"})
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"mine")
    digest = hashlib.sha256(b"mine").hexdigest()
    listed = {"a.py": hashlib.sha256(b"a").hexdigest(), "../outside.txt": digest,
              str(outside): digest, "x\\..\\..\\outside.txt": digest}
    (out / MANIFEST).write_text(json.dumps({"generator": "protopact", "files": listed}))
    changes = write_tree(out, {"b.py": b"b"})
    assert outside.read_bytes() == b"mine"
    assert changes.removed == ("a.py",)
    with pytest.raises(ValueError, match="not a relative path"):
        write_tree(out, {"../escape.py": b"x"})


def test_an_edited_stale_file_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"x/one.py": b"1", "x/two.py": b"2"})
    (out / "x/two.py").write_text("edited")
    changes = write_tree(out, {"x/one.py": b"1"})
    assert changes.kept == ("x/two.py",) and (out / "x/two.py").read_text() == "edited"


def test_a_failed_render_leaves_the_previous_tree(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"a/v1/a.proto": 'syntax = "proto3";\npackage a.v1;\nmessage A {}\n'})
    assert run("generate", cwd=root).exit_code == 0
    before = {p: p.read_bytes() for p in (root / "generated").rglob("*") if p.is_file()}
    (root / "a/v1/a.proto").write_text('syntax = "proto3";\npackage a.v1;\nmessage A { B b = 1; }\n')
    result = run("generate", cwd=root)
    assert result.exit_code == 1 and '"B" is not defined' in result.stderr
    assert {p: p.read_bytes() for p in (root / "generated").rglob("*") if p.is_file()} == before
    assert not list(root.glob(".protopact-stage-*"))


def test_a_failed_write_leaves_the_old_tree_whole(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_tree(out, {"a.py": b"old a", "b.py": b"old b"})
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_open = open
    calls = []

    def full_disk_at_the_second(path: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("protopact.writes.open", full_disk_at_the_second, raising=False)
    with pytest.raises(ProtopactError, match="cannot write the generated tree: No space left"):
        write_tree(out, {"a.py": b"new a", "b.py": b"new b", "c.py": b"new c"})
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(tmp_path.iterdir()) == [out]


def test_a_new_tree_moves_in_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "deep" / "out"
    files = {"p/a.py": b"a", "p/q/b.py": b"b", "c.txt": b"c"}
    changes = write_tree(out, files)
    assert set(changes.written) == {*files, MANIFEST}
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} \
        == {**files, MANIFEST: (out / MANIFEST).read_bytes()}
    assert set(json.loads((out / MANIFEST).read_text())["files"]) == set(files)
    umask = os.umask(0)
    os.umask(umask)
    assert (out.stat().st_mode & 0o777) == 0o777 & ~umask  # not a temporary directory's 0700
    assert not list(out.parent.glob(".protopact-stage-*"))

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("protopact.writes.open", full_disk, raising=False)
    with pytest.raises(Exception, match="cannot write the generated tree"):
        write_tree(tmp_path / "other", files)
    assert not (tmp_path / "other").exists() and not list(tmp_path.glob(".protopact-stage-*"))


def test_large_trees_written_on_threads_are_whole(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    first = {f"p{i % 40}/q{i % 7}/m{i}.py": f"first {i}".encode() for i in range(1500)}
    write_tree(out, first)
    second = {name: data.replace(b"first", b"second") for name, data in first.items()}
    changes = write_tree(out, second)  # every file replaced in place
    assert len(changes.written) == 1501
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.py")} == second
    real_open = open

    def full_disk_later(path: str, *args: Any, **kwargs: Any) -> Any:
        if path.endswith("m1234.py"):
            raise OSError(28, "No space left on device")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("protopact.writes.open", full_disk_later, raising=False)
    with pytest.raises(ProtopactError, match="cannot write the generated tree"):
        write_tree(out, first)
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.py")} == second
    assert not list(tmp_path.glob(".protopact-stage-*"))


def test_keyword_names_nested_messages_and_editions_import(tmp_path: Path) -> None:
    files = _render(GOLDEN / "input")
    stub = files["shop_api/shop/v1/shop_pb2.pyi"].decode()
    assert "class Article(" in stub and "label" in stub
    assert "shop_api/old_pb2.py" in files and "shop_api/legacy/modern_pb2.pyi" in files


def test_casttype_number_reused_by_another_extension(tmp_path: Path) -> None:
    """googleapis' operation_response_field shares number 1151 with mypy-protobuf's casttype."""
    root = write_files(tmp_path, {
        "google/cloud/ops.proto": """
            syntax = "proto3";
            package google.cloud;
            import "google/protobuf/descriptor.proto";
            extend google.protobuf.FieldOptions { string operation_response_field = 1151; }
            """,
        "compute/v1/compute.proto": """
            syntax = "proto3";
            package compute.v1;
            import "google/cloud/ops.proto";
            message Operation { string name = 1 [(google.cloud.operation_response_field) = "name"]; }
            """,
    })
    image = load_input(".", cwd=root, cache=Cache(None)).image
    before = image.to_binary()
    files = render_python(image, load_settings(root))
    assert "name: _builtins.str" in files["proto_api/compute/v1/compute_pb2.pyi"].decode()
    assert image.to_binary() == before  # the options are cleared for mypy-protobuf alone


def test_casttype_of_mypy_protobuf_is_honoured(tmp_path: Path) -> None:
    root = write_files(tmp_path, {
        "mypy_protobuf/extensions.proto": """
            syntax = "proto3";
            package mypy_protobuf;
            import "google/protobuf/descriptor.proto";
            message FieldOptions { string casttype = 1; string keytype = 2; string valuetype = 3; }
            extend google.protobuf.FieldOptions { FieldOptions options = 1154; }
            """,
        "users/v1/users.proto": """
            syntax = "proto3";
            package users.v1;
            import "mypy_protobuf/extensions.proto";
            message User { uint64 id = 1 [(mypy_protobuf.options).casttype = "ids.UserId"]; }
            """,
    })
    stub = _render(root)["proto_api/users/v1/users_pb2.pyi"].decode()
    assert "import ids as _ids" in stub and "id: _ids.UserId" in stub


def test_public_imports_are_reexported_from_inside_the_package(tmp_path: Path) -> None:
    root = write_files(tmp_path / "in", {
        "a/v1/base.proto": 'syntax = "proto3";\npackage a.v1;\nmessage Base { string id = 1; }\n',
        "a/v1/all.proto": 'syntax = "proto3";\npackage a.v1;\nimport public "a/v1/base.proto";\n',
        "b/v1/user.proto": """
            syntax = "proto3";
            package b.v1;
            import "a/v1/all.proto";
            message User { a.v1.Base base = 1; }
            """,
    })
    files = _render(root)
    assert "from proto_api.a.v1.base_pb2 import Base as Base" in \
        files["proto_api/a/v1/all_pb2.pyi"].decode()
    assert "from proto_api.a.v1 import base_pb2 as _base_pb2" in \
        files["proto_api/b/v1/user_pb2.pyi"].decode()
    assert _import_all(files, tmp_path / "out") == "ok\n"


def test_invalid_module_names_are_one_line_errors(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"class/v1/a.proto": 'syntax = "proto3";\nmessage A {}\n'})
    result = run("generate", cwd=root)
    assert result.exit_code == 1
    assert result.stderr.strip() == ("class/v1/a.proto: cannot generate a Python module: 'class' is "
                                     "not a valid Python module name")


def _import_all(files: dict[str, bytes], out: Path, package: str = "proto_api") -> str:
    """Write ``files`` to ``out`` and import every generated module in a fresh interpreter; its
    output, or the failure."""
    write_tree(out, files)
    code = ("import importlib, pathlib, sys\n"
            f"for p in sorted(pathlib.Path({str(out)!r}, {package!r}).rglob('*.py')):\n"
            f"    importlib.import_module('.'.join(p.relative_to({str(out)!r}).with_suffix('').parts))\n"
            "print('ok')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(out)}, cwd=out, check=False)
    return result.stdout + result.stderr


def test_module_named_after_a_keyword_and_generated_siblings_of_installed_packages(
        tmp_path: Path) -> None:
    """googleapis has ``.../import.proto`` (module ``import_pb2``), and ``google/api/apikeys``
    beside the ``google/api`` modules of googleapis-common-protos, which stay imported from it."""
    root = write_files(tmp_path / "in", {
        "google/api/apikeys/v2/import.proto": """
            syntax = "proto3";
            package google.api.apikeys.v2;
            import "google/api/field_behavior.proto";
            import "google/api/http.proto";
            message Key {
              string name = 1 [(google.api.field_behavior) = REQUIRED];
              google.api.HttpRule rule = 2;
            }
            """,
        "google/api/apikeys/v2/keys.proto": """
            syntax = "proto3";
            package google.api.apikeys.v2;
            import "google/api/apikeys/v2/import.proto";
            message Keys { repeated Key keys = 1; }
            """,
    })
    files = _render(root)
    keys = files["proto_api/google/api/apikeys/v2/import_pb2.py"].decode()
    assert "from google.api import field_behavior_pb2" in keys
    assert "from google.api import http_pb2" in \
        files["proto_api/google/api/apikeys/v2/import_pb2.pyi"].decode()
    assert "from proto_api.google.api.apikeys.v2 import import_pb2" in \
        files["proto_api/google/api/apikeys/v2/keys_pb2.py"].decode()
    assert _import_all(files, tmp_path / "out") == "ok\n"


def test_messages_named_after_keywords_in_services(tmp_path: Path) -> None:
    root = write_files(tmp_path / "in", {
        "kw/v1/kw.proto": """
            syntax = "proto3";
            package class.v1;
            message None { string from = 1; message def { int32 lambda = 1; } }
            service Pass { rpc Go(None) returns (None.def); }
            """,
    })
    files = _render(root)
    grpc_module = files["proto_api/kw/v1/kw_pb2_grpc.py"].decode()
    assert "getattr(getattr(kw_dot_v1_dot_kw__pb2, 'None'), 'def').FromString" in grpc_module
    assert _import_all(files, tmp_path / "out") == "ok\n"


def test_import_rewrite_parses_only_the_header_of_generated_modules() -> None:
    """Parsing whole modules made the rewrite most of the render time on googleapis. protoc's
    serialized descriptor, most of a module's header, is left out of the parse too."""
    for path, data in _render(GOLDEN / "input").items():
        if path.endswith(("_pb2.py", "_pb2_grpc.py")) and data:
            source = data.decode()
            body = pyimports._body(source)
            if body >= 0:
                _, header = pyimports._header(source)
                assert header == source[:body]  # no fallback to a full parse
            if path.endswith("_pb2.py"):
                assert pyimports._SERIALIZED + "b'')\n" in pyimports._without_serialized(source[:body])


def test_keyword_service_names_are_one_line_errors(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"kw/v1/kw.proto": """
        syntax = "proto3";
        package kw.v1;
        message M {}
        service S { rpc await(M) returns (M); }
        """})
    with pytest.raises(ProtopactError, match="'await' in service S is a Python keyword"):
        _render(root)


@pytest.mark.parametrize("table, message", [
    ('out = "../elsewhere"', "must be a directory inside the project"),
    ('flavors = ["protobuf", "pydantic"]', "flavor 'pydantic' is not one of"),
    ('name = "bad name"', "is not a valid distribution name"),
    ('colour = "red"', "unknown [tool.protopact] key 'colour'"),
])
def test_bad_settings(tmp_path: Path, table: str, message: str) -> None:
    root = write_files(tmp_path, {"a.proto": 'syntax = "proto3";\nmessage A {}\n',
                                  "pyproject.toml": f"[tool.protopact]\n{table}\n"})
    result = run("generate", cwd=root)
    assert result.exit_code == 1 and message in result.stderr, result.stderr


def test_betterproto2_flavor(tmp_path: Path) -> None:
    root = write_files(tmp_path, {
        "pyproject.toml": '[tool.protopact]\nname = "bp"\nflavors = ["protobuf", "betterproto2"]\n',
        "shop/v1/shop.proto": """
            syntax = "proto3";
            package shop.v1;
            message Article { string id = 1; map<string, int64> stock = 2; }
            """,
    })
    out = tmp_path / "out"
    write_tree(out, _render(root))
    assert '"betterproto2>=' in (out / "pyproject.toml").read_text()
    script = ("from bp.betterproto.shop.v1 import Article\n"
              "a = Article(id='x', stock={'oslo': 3})\n"
              "assert Article.parse(bytes(a)) == a\n"
              "from bp.shop.v1.shop_pb2 import Article as Pb\n"
              "assert Pb.FromString(bytes(a)).stock['oslo'] == 3\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=out, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
