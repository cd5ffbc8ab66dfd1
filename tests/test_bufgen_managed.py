"""Managed mode against ``buf generate``: the same v2 template (defaults, disable and override rules
by path and file option) gives every plugin the same file options (a plugin that prints them) and
protoc's Python generator the same modules, whose descriptors carry them. Rules by ``module`` match the
workspace modules that buf.yaml names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import buf_binary, run, write_tree
from .test_bufgen import TREE, _tree

# Prints every file's options, as a plugin sees them.
DUMP = """#!{python}
import sys
from google.protobuf.compiler import plugin_pb2
from google.protobuf import text_format
request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
text = "".join(f"== {{f.name}}\\n{{text_format.MessageToString(f.options)}}" for f in request.proto_file)
response = plugin_pb2.CodeGeneratorResponse(file=[{{"name": "options.txt", "content": text}}])
sys.stdout.buffer.write(response.SerializeToString())
"""
ODD = {
    "proto/acme/class/v1alpha1/order-items_list.proto": """
        syntax = "proto3";
        package acme.class.v1alpha1;
        option java_package = "org.acme.keep";
        message OrderItem { string id = 1; }
    """,
    "proto/unversioned/thing.proto": """
        syntax = "proto3";
        package gpb;
        option optimize_for = CODE_SIZE;
        message Thing { string id = 1; }
    """,
}
MANAGED = {
    "enabled": True,
    "disable": [{"file_option": "objc_class_prefix", "path": "acme/common"},
                {"path": "acme/class/v1alpha1/order-items_list.proto", "file_option": "java_package"}],
    "override": [
        {"file_option": "java_package_prefix", "value": "net"},
        {"file_option": "java_package_suffix", "value": "api", "path": "acme/shop"},
        {"file_option": "csharp_namespace_prefix", "value": "Acme.Api"},
        {"file_option": "go_package_prefix", "value": "example.com/gen"},
        {"file_option": "ruby_package_suffix", "value": "Proto", "path": "acme/common"},
        {"file_option": "php_metadata_namespace_suffix", "value": "Meta", "path": "acme/shop"},
        {"file_option": "optimize_for", "value": "LITE_RUNTIME", "path": "acme/shop"},
        {"file_option": "java_multiple_files", "value": False, "path": "acme/shop/v1/shop.proto"},
        {"file_option": "cc_enable_arenas", "value": False, "path": "unversioned"},
    ],
}


# Two named modules: rules by module pick one or the other.
NAMED = {
    "buf.yaml": "version: v2\nmodules:\n  - path: proto\n    name: buf.build/acme/api\n"
                "  - path: more\n    name: buf.build/acme/more\n",
    "more/acme/more/v1/more.proto": """
        syntax = "proto3";
        package acme.more.v1;
        message More { string id = 1; }
    """,
}
BY_MODULE = {
    "enabled": True,
    "disable": [{"module": "buf.build/acme/api", "file_option": "objc_class_prefix"},
                {"module": "buf.build/acme/more", "file_option": "csharp_namespace"}],
    "override": [{"module": "buf.build/acme/more", "file_option": "java_package_prefix",
                  "value": "org"},
                 {"module": "buf.build/acme/api", "file_option": "go_package_prefix",
                  "value": "example.com/api"},
                 {"module": "buf.build/acme/other", "file_option": "optimize_for",
                  "value": "CODE_SIZE"}],
}


def _project(root: Path, managed: dict[str, object], version: str) -> Path:
    write_tree(root, {**TREE, **ODD, **(NAMED if managed is BY_MODULE else {})})
    protoc = root / "protoc"
    protoc.write_text(f"#!/bin/sh\nexec {sys.executable} -m grpc_tools.protoc \"$@\"\n")
    dump = root / "dump"
    dump.write_text(DUMP.format(python=sys.executable))
    for script in (protoc, dump):
        script.chmod(0o755)
    if version == "v1":
        plugins = [{"name": "dump", "path": str(dump), "out": "gen/options", "strategy": "all"},
                   {"plugin": "python", "protoc_path": str(protoc), "out": "gen/py"}]
    else:
        plugins = [{"local": str(dump), "out": "gen/options", "strategy": "all"},
                   {"protoc_builtin": "python", "protoc_path": str(protoc), "out": "gen/py"}]
    template = {"version": version, "managed": managed, "plugins": plugins}
    (root / "buf.gen.yaml").write_text(yaml.safe_dump(template))
    return root


def test_managed_mode_rewrites_options_as_buf_does(tmp_path: Path) -> None:
    cases = {"v2 defaults": ({"enabled": True}, "v2"), "v2 rules": (MANAGED, "v2"),
             "v1 defaults": ({"enabled": True}, "v1"), "v2 by module": (BY_MODULE, "v2")}
    for case, (managed, version) in cases.items():
        where = tmp_path / case.replace(" ", "-")
        theirs, ours = (_project(where / side, managed, version) for side in ("buf", "ours"))
        source = "." if managed is BY_MODULE else "proto"
        done = subprocess.run([buf_binary(), "generate", source, "--template", "buf.gen.yaml"],
                              cwd=theirs, capture_output=True, text=True, check=False,
                              env={**os.environ, "BUF_CACHE_DIR": str(tmp_path / "cache")})
        assert done.returncode == 0, done.stderr
        result = run("generate", source, "--template", "buf.gen.yaml", cwd=ours)
        assert result.exit_code == 0, result.stderr
        expected = _tree(theirs / "gen")
        options = expected["options/options.txt"].decode()
        assert 'java_outer_classname: "OrderItemsListProto"' in options
        if managed is MANAGED:
            assert 'java_package: "net.acme.shop.v1.api"' in options
        if managed is BY_MODULE:
            assert 'java_package: "org.acme.more.v1"' in options
            assert 'go_package: "example.com/api/acme/shop/v1;shopv1"' in options
        assert _tree(ours / "gen") == expected, case
