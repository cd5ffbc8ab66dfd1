"""``protopact generate --template`` against ``buf generate --template``: the same v2 template (local
plugins, protopact's own and a third party's, and protoc's built-in python generator, with
``include_imports``, ``include_wkt`` and both strategies) must write identical trees."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from .conftest import buf_binary, git, run, tar_bytes, write_tree

BIN = Path(sys.executable).parent
TREE = {
    "buf.yaml": "version: v2\nmodules:\n  - path: proto\n",
    "proto/acme/common/v1/money.proto": """
        syntax = "proto3";
        package acme.common.v1;
        // An amount of money.
        message Money { string currency = 1; int64 units = 2; }
    """,
    "proto/acme/shop/v1/shop.proto": """
        syntax = "proto3";
        package acme.shop.v1;
        import "acme/common/v1/money.proto";
        import "google/protobuf/timestamp.proto";
        // An order.
        message Order { string id = 1; acme.common.v1.Money total = 2;
                        google.protobuf.Timestamp placed = 3; }
        message GetOrderRequest { string id = 1; }
        // Orders.
        service Shop { rpc GetOrder(GetOrderRequest) returns (Order); }
    """,
}


def _template(protoc: Path) -> dict[str, object]:
    return {"version": "v2", "inputs": [{"directory": "proto"}], "plugins": [
        {"local": str(BIN / "protoc-gen-protopact-openapi"), "out": "gen/openapi",
         "strategy": "all", "opt": ["name=shop", "version=2.0.0"]},
        {"local": str(BIN / "protoc-gen-mypy"), "out": "gen/stubs", "opt": "quiet"},
        {"protoc_builtin": "python", "protoc_path": str(protoc), "out": "gen/py",
         "include_imports": True, "include_wkt": True},
    ]}


def _project(root: Path) -> Path:
    write_tree(root, TREE)
    protoc = root / "protoc"  # buf runs built-ins with a protoc binary: grpc_tools' is one
    protoc.write_text(f"#!/bin/sh\nexec {sys.executable} -m grpc_tools.protoc \"$@\"\n")
    protoc.chmod(0o755)
    (root / "buf.gen.yaml").write_text(yaml.safe_dump(_template(protoc)))
    return root


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_template_writes_what_buf_generate_writes(tmp_path: Path) -> None:
    theirs, ours = _project(tmp_path / "buf"), _project(tmp_path / "ours")
    done = subprocess.run([buf_binary(), "generate", "--template", "buf.gen.yaml"], cwd=theirs,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "BUF_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    result = run("generate", "--template", "buf.gen.yaml", cwd=ours)
    assert result.exit_code == 0, result.stderr
    expected = _tree(theirs / "gen")
    assert {"py/acme/common/v1/money_pb2.py", "stubs/acme/shop/v1/shop_pb2.pyi",
            "openapi/openapi.yaml", "py/google/protobuf/timestamp_pb2.py"} <= set(expected)
    assert _tree(ours / "gen") == expected
    # The template beside buf.yaml is found when pyproject.toml says nothing of protopact.
    assert run("generate", "--check", cwd=ours).exit_code == 0
    (ours / "gen/py/acme/shop/v1/shop_pb2.py").write_text("# edited\n")
    check = run("generate", "--check", cwd=ours)
    assert check.exit_code == 1
    assert "gen/py/acme/shop/v1/shop_pb2.py: out of date" in check.stderr


def test_remote_plugins_and_managed_mode_are_refused_in_one_line(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    cases = {
        "remote: buf.build/protocolbuffers/python:v29.3": "use protoc_builtin: python instead",
        "remote: buf.build/grpc/python": "use local: grpc_python_plugin instead",
        "remote: buf.build/bufbuild/es": "use local: protoc-gen-es instead",
    }
    for plugin, words in cases.items():
        (tmp_path / "gen.yaml").write_text(f"version: v2\nplugins:\n  - {plugin}\n    out: x\n")
        result = run("generate", "--template", "gen.yaml", cwd=tmp_path)
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
    (tmp_path / "gen.yaml").write_text(
        "version: v2\nmanaged:\n  enabled: true\n  override:\n    - field_option: jstype\n"
        "      value: JS_STRING\nplugins:\n  - protoc_builtin: python\n    out: x\n")
    result = run("generate", "--template", "gen.yaml", cwd=tmp_path)
    assert result.exit_code == 1 and "field_option jstype is not supported" in result.stderr
    (tmp_path / "gen.yaml").write_text("version: v2\nplugins:\n  - protoc_builtin: python\n"
                                       "    out: ../outside\n")
    result = run("generate", "--template", "gen.yaml", cwd=tmp_path)
    assert result.exit_code == 1 and "must be a directory inside the project" in result.stderr
    assert not (tmp_path.parent / "outside").exists()


def test_clean_deletes_what_buf_generate_clean_deletes(tmp_path: Path) -> None:
    trees = {}
    for name in ("buf", "ours"):
        root = _project(tmp_path / name)
        template = {**_template(root / "protoc"), "clean": True}
        template["plugins"][1]["out"] = "gen"  # an out holding another plugin's out
        (root / "buf.gen.yaml").write_text(yaml.safe_dump(template))
        write_tree(root, {"gen/stale/old_pb2.py": "# from an older run\n", "gen/py/x.txt": "x\n",
                          "kept/notes.txt": "mine\n", "gen.txt": "mine too\n"})
        trees[name] = root
    done = subprocess.run([buf_binary(), "generate", "--template", "buf.gen.yaml"], cwd=trees["buf"],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "BUF_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    ours = trees["ours"]
    check = run("generate", "--check", cwd=ours)
    assert check.exit_code == 1
    assert "gen/stale/old_pb2.py: not generated (clean: true removes it)" in check.stderr
    result = run("generate", "--template", "buf.gen.yaml", cwd=ours)
    assert result.exit_code == 0, result.stderr
    expected, written = _tree(trees["buf"]), _tree(ours)
    assert "gen/stale/old_pb2.py" not in expected and expected["kept/notes.txt"] == b"mine\n"
    for name in ("buf.gen.yaml", "protoc"):  # they name their own directory
        del expected[name], written[name]
    assert written == expected
    assert run("generate", "--check", cwd=ours).exit_code == 0


def test_clean_refuses_to_delete_sources_the_project_or_outside(tmp_path: Path) -> None:
    write_tree(tmp_path, {**TREE, "gen/buf.yaml": "version: v2\n", "gen/a.proto": "mine\n"})
    cases = {
        "inputs: [{directory: proto}]\nplugins: [{protoc_builtin: python, out: proto}]":
            "clean: true would delete proto, which is inside out proto",
        "plugins: [{protoc_builtin: python, out: gen}]":
            "clean: true would delete gen/buf.yaml, which is inside out gen",
        "plugins: [{protoc_builtin: python, out: .}]": "must be a directory inside the project",
        "plugins: [{protoc_builtin: python, out: ../x}]": "must be a directory inside the project",
        "plugins: [{protoc_builtin: python, out: tmpl}]":
            "clean: true would delete tmpl/gen.yaml, which is inside out tmpl",
    }
    (tmp_path / "tmpl").mkdir()
    before = _tree(tmp_path)
    for body, words in cases.items():
        (tmp_path / "tmpl/gen.yaml").write_text(f"version: v2\nclean: true\n{body}\n")
        result = run("generate", "--template", "tmpl/gen.yaml", cwd=tmp_path)
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
        (tmp_path / "tmpl/gen.yaml").unlink()
        assert _tree(tmp_path) == before


def _buf_generate(root: Path, tmp: Path, *args: str) -> None:
    done = subprocess.run([buf_binary(), "generate", *args, "--template", "buf.gen.yaml"], cwd=root,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "BUF_CACHE_DIR": str(tmp / "cache")})
    assert done.returncode == 0, done.stderr


def test_v1_template_writes_what_buf_generate_writes(tmp_path: Path) -> None:
    roots = {}
    for name in ("buf", "ours"):
        root = _project(tmp_path / name)
        template = {"version": "v1", "plugins": [
            {"plugin": "python", "out": "gen/py", "protoc_path": str(root / "protoc")},
            {"name": "mypy", "out": "gen/stubs", "opt": "quiet",
             "path": str(BIN / "protoc-gen-mypy")},
            {"plugin": "protopact-openapi", "path": [str(BIN / "protoc-gen-protopact-openapi")],
             "out": "gen/openapi", "strategy": "all", "opt": ["name=shop", "version=2.0.0"]},
        ]}
        (root / "buf.gen.yaml").write_text(yaml.safe_dump(template))
        roots[name] = root
    _buf_generate(roots["buf"], tmp_path, "proto")
    result = run("generate", "proto", "--template", "buf.gen.yaml", cwd=roots["ours"])
    assert result.exit_code == 0, result.stderr
    expected = _tree(roots["buf"] / "gen")
    assert {"py/acme/shop/v1/shop_pb2.py", "stubs/acme/shop/v1/shop_pb2.pyi",
            "openapi/openapi.yaml"} <= set(expected)
    assert _tree(roots["ours"] / "gen") == expected


def test_v2_inputs_git_repo_proto_file_and_tarball_as_buf_reads_them(tmp_path: Path) -> None:
    upstream = write_tree(tmp_path / "upstream", TREE)
    git(upstream, "init", "-q", "-b", "release")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-qm", "contract")
    roots = {}
    for name in ("buf", "ours"):
        root = _project(tmp_path / name)
        template = {"version": "v2", "inputs": [
            {"git_repo": upstream.as_uri(), "branch": "release", "paths": ["proto/acme/common"]},
            {"proto_file": "proto/acme/shop/v1/shop.proto", "include_package_files": True},
            {"tarball": "extra.tgz", "strip_components": 1, "subdir": "proto"},
        ], "plugins": [{"protoc_builtin": "python", "protoc_path": str(root / "protoc"),
                        "out": "gen"}]}
        (root / "buf.gen.yaml").write_text(yaml.safe_dump(template))
        (root / "extra.tgz").write_bytes(tar_bytes({
            "extra-1.0/proto/extra/v1/extra.proto":
                b'syntax = "proto3";\npackage extra.v1;\nmessage Extra {}\n'}, mode="w:gz"))
        roots[name] = root
    _buf_generate(roots["buf"], tmp_path)
    result = run("generate", "--template", "buf.gen.yaml", cwd=roots["ours"])
    assert result.exit_code == 0, result.stderr
    expected = _tree(roots["buf"] / "gen")
    assert set(expected) == {"acme/common/v1/money_pb2.py", "acme/shop/v1/shop_pb2.py",
                             "extra/v1/extra_pb2.py"}
    assert _tree(roots["ours"] / "gen") == expected


def test_zip_and_jar_outs_are_the_archives_buf_generate_writes(tmp_path: Path) -> None:
    roots = {}
    for name in ("buf", "ours"):
        root = _project(tmp_path / name)
        protoc = str(root / "protoc")
        template = {"version": "v2", "inputs": [{"directory": "proto"}], "plugins": [
            {"protoc_builtin": "python", "protoc_path": protoc, "out": "gen/py.zip"},
            {"protoc_builtin": "pyi", "protoc_path": protoc, "out": "gen/py.jar",
             "include_imports": True},
            {"local": str(BIN / "protoc-gen-protopact-openapi"), "out": "gen/openapi.zip",
             "strategy": "all"},
        ]}
        (root / "buf.gen.yaml").write_text(yaml.safe_dump(template))
        (root / "gen").mkdir()  # buf writes an archive only into a directory that exists
        roots[name] = root
    _buf_generate(roots["buf"], tmp_path)
    result = run("generate", "--template", "buf.gen.yaml", cwd=roots["ours"])
    assert result.exit_code == 0, result.stderr
    expected = _tree(roots["buf"] / "gen")
    assert set(expected) == {"py.zip", "py.jar", "openapi.zip"}
    with zipfile.ZipFile(roots["buf"] / "gen/py.jar") as jar:
        assert jar.namelist()[0] == "META-INF/MANIFEST.MF"
        assert "acme/shop/v1/shop_pb2.pyi" in jar.namelist()
    assert _tree(roots["ours"] / "gen") == expected
    assert run("generate", "--check", "--template", "buf.gen.yaml", cwd=roots["ours"]).exit_code == 0


def test_inputs_that_need_the_network_and_bad_keys_are_refused(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    plugin = "plugins: [{protoc_builtin: python, out: gen}]"
    cases = {
        f"version: v2\ninputs: [{{module: buf.build/acme/shop}}]\n{plugin}":
            "input module buf.build/acme/shop comes from buf's registry over the network",
        f"version: v2\ninputs: [{{zip_archive: x.zip, depth: 1}}]\n{plugin}":
            "'depth' does not apply to a zip_archive input",
        f"version: v2\ninputs: [{{tarball: ../x.tar.gz}}]\n{plugin}":
            "'../x.tar.gz' must be a directory inside the project",
        "version: v2\nplugins: [{protoc_builtin: python, out: gen, include_wkt: true}]":
            "include_wkt needs include_imports",
        "version: v1\ntypes: {include: a.B}\nplugins: [{plugin: python, out: gen}]":
            "include must be a list of type names",
        f"version: v2\ninputs: [{{directory: proto, branch: main}}]\n{plugin}":
            "'branch' does not apply to a directory input",
        f"version: v1\nmanaged: {{enabled: true, java_package_prefix: net}}\n{plugin}":
            "managed.java_package_prefix is not supported in a v1 template",
    }
    for body, words in cases.items():
        (tmp_path / "gen.yaml").write_text(body + "\n")
        result = run("generate", "--template", "gen.yaml", cwd=tmp_path)
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
    assert not (tmp_path / "gen").exists()
