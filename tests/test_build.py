"""The compile pipeline end to end: inputs, images, the cache and bad input."""

from __future__ import annotations

import json
import marshal
import os
import struct
import subprocess
import sys
import zipfile
from contextlib import nullcontext
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2, message_factory

from protopact.compile import build as build_module
from protopact.compile import cache as cache_module
from protopact.compile.cache import Cache
from protopact.compile.image import image_from_bytes
from protopact.compile.inputs import read_image_file
from protopact.compile.order import imports_of
from protopact.compile.sourceinfo import on_demand
from protopact.errors import ProtopactError

from .conftest import REPO, git, run, write_tree

SIMPLE = {
    "acme/v1/a.proto": """
        syntax = "proto3";
        package acme.v1;
        import "google/protobuf/timestamp.proto";
        import "google/api/annotations.proto";
        import "protopact/v1/pagination.proto";
        message A { google.protobuf.Timestamp at = 1; protopact.v1.Pagination page = 2; }
    """,
}


def test_builds_repo_protos_to_an_image_buf_accepts_and_that_round_trips(tmp_path: Path, buf: str) -> None:
    out = tmp_path / "x.binpb"
    assert run("build", "proto", "-o", str(out), cwd=REPO).exit_code == 0
    image = read_image_file(out, "x")
    assert "protopact/v1/pagination.proto" in image.targets
    assert "google/protobuf/timestamp.proto" not in image.targets  # an import
    rebuilt = tmp_path / "buf.binpb"
    subprocess.run([buf, "build", str(out), "-o", str(rebuilt)], check=True, cwd=tmp_path)
    again = tmp_path / "again.binpb"
    assert run("build", str(rebuilt), "-o", str(again)).exit_code == 0
    # buf writes the fields of an option's oneof last (``(buf.validate.field)`` with ``string``
    # and ``ignore``): the same files, compared with their options read in the image's own pool
    described = message_factory.GetMessageClass(
        image.pool.FindMessageTypeByName("google.protobuf.FileDescriptorSet"))
    assert described.FromString(again.read_bytes()) == described.FromString(out.read_bytes())


def test_json_image_round_trips(tmp_path: Path) -> None:
    write_tree(tmp_path, SIMPLE)
    assert run("build", "-o", "x.json", cwd=tmp_path).exit_code == 0
    assert json.loads((tmp_path / "x.json").read_text())["file"]
    assert run("build", "x.json", "-o", "y.binpb", cwd=tmp_path).exit_code == 0
    assert run("build", "-o", "z.binpb", cwd=tmp_path).exit_code == 0
    assert (tmp_path / "y.binpb").read_bytes() == (tmp_path / "z.binpb").read_bytes()


def test_exclude_imports_keeps_only_targets(tmp_path: Path) -> None:
    write_tree(tmp_path, SIMPLE)
    assert run("build", "--exclude-imports", "-o", "x.binpb", cwd=tmp_path).exit_code == 0
    image = read_image_file(tmp_path / "x.binpb", "x")
    assert [f.name for f in image.files] == ["acme/v1/a.proto"]


def test_second_build_hits_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("build", "proto", cwd=REPO).exit_code == 0

    def no_compiling(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("recompiled an unchanged tree")

    monkeypatch.setattr(build_module, "run_protoc", no_compiling)
    out = tmp_path / "x.binpb"
    assert run("build", "proto", "-o", str(out), cwd=REPO).exit_code == 0
    assert "protopact/v1/events.proto" in read_image_file(out, "x").targets


def test_an_edited_install_of_protopact_misses_the_cache(
        tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same version with other code (a local edit, a patched install) compiles afresh."""
    write_tree(tmp_path, SIMPLE)
    assert run("build", cwd=tmp_path).exit_code == 0
    monkeypatch.setattr(build_module, "code_stamp", lambda: "edited")
    build_module.toolchain.cache_clear()
    try:
        assert run("build", cwd=tmp_path).exit_code == 0
    finally:
        build_module.toolchain.cache_clear()
    assert len(list(isolated_cache.rglob("*.image"))) == 2


def test_changed_file_misses_and_corrupt_entry_is_rebuilt(tmp_path: Path, isolated_cache: Path) -> None:
    write_tree(tmp_path, SIMPLE)
    assert run("build", cwd=tmp_path).exit_code == 0
    entries = list(isolated_cache.rglob("*.image"))
    assert len(entries) == 1
    entries[0].write_bytes(b"garbage")
    assert run("build", "-o", "x.binpb", cwd=tmp_path).exit_code == 0
    assert entries[0].read_bytes().startswith(cache_module._MAGIC)
    (tmp_path / "acme/v1/a.proto").write_text((tmp_path / "acme/v1/a.proto").read_text() + "\n// more\n")
    assert run("build", cwd=tmp_path).exit_code == 0
    assert len(list(isolated_cache.rglob("*.image"))) == 2


def test_an_entry_gives_each_file_its_own_imports(tmp_path: Path, isolated_cache: Path) -> None:
    # the entry's header holds them, taken for the files decoded, one for one
    write_tree(tmp_path, SIMPLE)
    assert run("build", cwd=tmp_path).exit_code == 0
    (entry,) = isolated_cache.rglob("*.image")
    compiled = Cache(isolated_cache).get(entry.stem)
    assert compiled is not None
    files = compiled.image.files
    assert len({imports_of(f) for f in files}) > 2  # files that import different files
    assert [imports_of(f) for f in files] == [tuple(f.dependency) for f in files]


def test_an_entry_of_another_format_or_with_a_cut_header_is_a_miss(
        tmp_path: Path, isolated_cache: Path) -> None:
    write_tree(tmp_path, SIMPLE)
    assert run("build", cwd=tmp_path).exit_code == 0
    (entry,) = isolated_cache.rglob("*.image")
    cache, data, magic = Cache(isolated_cache), entry.read_bytes(), cache_module._MAGIC
    assert cache.get(entry.stem) is not None
    entry.write_bytes(b"PPIMG1" + data[len(magic):])  # an entry of the json header's format
    assert cache.get(entry.stem) is None
    (length,) = struct.unpack_from(">I", data, len(magic))
    entry.write_bytes(data[: len(magic) + 4 + length // 2])
    assert cache.get(entry.stem) is None
    assert run("build", cwd=tmp_path).exit_code == 0
    assert cache.get(entry.stem) is not None


def test_the_images_kept_stay_within_their_bound_the_least_recently_used_going_first(
        tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, SIMPLE)
    source = tmp_path / "acme/v1/a.proto"
    text = source.read_text()

    def build(version: int) -> Path:
        source.write_text(text + f"// version {version}\n")
        before = set(isolated_cache.rglob("*.image"))
        assert run("build", cwd=tmp_path).exit_code == 0
        (made,) = set(isolated_cache.rglob("*.image")) - before
        return made

    first, second, third = (build(v) for v in range(3))
    for age, entry in enumerate((first, second, third)):  # one second apart, oldest first
        os.utime(entry, ns=(10**9 * (age + 1),) * 2)
    size = first.stat().st_size
    monkeypatch.setattr(cache_module, "IMAGES_LIMIT", 3 * size + size // 2)
    source.write_text(text + "// version 0\n")  # the first version again: a cache hit,
    assert run("build", cwd=tmp_path).exit_code == 0  # which marks it used
    assert set(isolated_cache.rglob("*.image")) == {first, second, third}
    fourth = build(3)
    assert set(isolated_cache.rglob("*.image")) == {first, third, fourth}

def test_v1_excludes_and_v2_modules(tmp_path: Path) -> None:
    write_tree(tmp_path / "v1", {
        "buf.yaml": "version: v1\nbuild:\n  excludes: [broken]\n",
        "ok/a.proto": 'syntax = "proto3";\npackage ok;\nmessage A {}\n',
        "broken/b.proto": "this does not compile",
    })
    assert run("build", "v1", cwd=tmp_path).exit_code == 0
    write_tree(tmp_path / "v2", {
        "buf.yaml": "version: v2\nmodules:\n  - path: one\n    excludes: [one/skip]\n  - path: two\n",
        "one/a.proto": 'syntax = "proto3";\npackage one;\nimport "b.proto";\nmessage A { two.B b = 1; }\n',
        "one/skip/x.proto": "broken",
        "two/b.proto": 'syntax = "proto3";\npackage two;\nmessage B {}\n',
    })
    assert run("build", "v2", "-o", "x.binpb", cwd=tmp_path).exit_code == 0
    assert read_image_file(tmp_path / "x.binpb", "x").targets == {"a.proto", "b.proto"}
    assert run("build", "v2/one", "-o", "y.binpb", cwd=tmp_path).exit_code == 0
    assert read_image_file(tmp_path / "y.binpb", "y").targets == {"a.proto"}


def test_git_inputs_read_objects_not_the_working_tree(tmp_path: Path) -> None:
    write_tree(tmp_path, {"buf.yaml": "version: v2\nmodules:\n  - path: proto\n", **{
        f"proto/{k}": v for k, v in SIMPLE.items()}})
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "one")
    git(tmp_path, "tag", "v1.0.0")
    (tmp_path / "proto/acme/v1/a.proto").write_text("broken in the working tree")
    commit = git(tmp_path, "rev-parse", "HEAD").strip()
    for ref in ("git:main", "git:HEAD", ".git#branch=main", ".git#tag=v1.0.0", ".git#ref=HEAD~0",
                f".git#commit={commit}", ".git#branch=main,depth=1"):
        result = run("build", ref, "-o", "x.binpb", cwd=tmp_path)
        assert result.exit_code == 0, (ref, result.stderr)
        assert read_image_file(tmp_path / "x.binpb", "x").targets == {"acme/v1/a.proto"}
    sub = run("build", ".git#branch=main,subdir=proto", "-o", "s.binpb", cwd=tmp_path)
    assert sub.exit_code == 0, sub.stderr
    assert (tmp_path / "proto/acme/v1/a.proto").read_text() == "broken in the working tree"
    assert "?? " not in git(tmp_path, "status", "--porcelain", "--", "proto")


def test_wheel_and_package_inputs_use_the_embedded_image(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, SIMPLE)
    assert run("build", "-o", "x.binpb", cwd=tmp_path).exit_code == 0
    pkg = tmp_path / "site" / "acme_api"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "descriptor_set.binpb").write_bytes((tmp_path / "x.binpb").read_bytes())
    with zipfile.ZipFile(tmp_path / "acme_api-1.0-py3-none-any.whl", "w") as wheel:
        wheel.write(pkg / "descriptor_set.binpb", "acme_api/descriptor_set.binpb")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    for ref in ("pkg:acme_api", "acme_api-1.0-py3-none-any.whl"):
        result = run("build", ref, "-o", "y.binpb", cwd=tmp_path)
        assert result.exit_code == 0, result.stderr
        assert (tmp_path / "y.binpb").read_bytes() == (tmp_path / "x.binpb").read_bytes()


BAD_INPUTS = [
    ("syntax", {"a.proto": 'syntax = "proto3";\nmessage X { int32 y = 1 }\n'},
     "syntax/a.proto:2:25: Expected \";\"."),
    ("missing", {"a.proto": 'syntax = "proto3";\nimport "nope/x.proto";\nmessage X {}\n'},
     'missing/a.proto:2:1: Import "nope/x.proto" was not found or had errors.'),
    ("dup", {"a.proto": 'syntax = "proto3";\nmessage X {}\n', "b.proto": 'syntax = "proto3";\nmessage X {}\n'},
     'dup/b.proto:2:9: "X" is already defined in file "a.proto".'),
    ("utf", {"a.proto": b'syntax = "proto3";\n// caf\xe9\nmessage X {}\n'},
     "utf/a.proto:2:7: invalid UTF-8 encoding"),
    ("empty", {"README": "no protos"}, "empty: no .proto files found"),
    ("cfg", {"buf.yaml": "version: v2\nlint:\n  usee: [STANDARD]\n", "a.proto": 'syntax = "proto3";\n'},
     "cfg/buf.yaml: unknown key 'usee' in lint"),
    ("yaml", {"buf.yaml": "version: v2\nlint: [unclosed\n", "a.proto": 'syntax = "proto3";\n'},
     "yaml/buf.yaml:3:1: invalid YAML"),
    ("escape", {"buf.yaml": "version: v2\nmodules:\n  - path: ../outside\n", "a.proto": ""},
     "escape/buf.yaml: module path '../outside' must be a relative path inside the project"),
    ("only", {"buf.yaml": "version: v2\nbreaking:\n  ignore_only: {FIELD_SAME_TYPE: 3}\n",
              "a.proto": 'syntax = "proto3";\n'},
     "only/buf.yaml: breaking.ignore_only.FIELD_SAME_TYPE must be a list of strings"),
    ("use", {"buf.yaml": "version: v1\nlint:\n  use: STANDARD\n", "a.proto": 'syntax = "proto3";\n'},
     "use/buf.yaml: lint.use must be a list of strings"),
]


@pytest.mark.parametrize(("name", "files", "expected"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_one_clear_error(tmp_path: Path, name: str, files: dict, expected: str) -> None:
    write_tree(tmp_path / name, files)
    result = run("build", name, cwd=tmp_path)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("arg", "expected"), [
    ("corrupt.binpb", "corrupt.binpb: not a valid image (FileDescriptorSet)"),
    ("corrupt.json", "corrupt.json: not a valid JSON image"),
    ("missing.binpb", "missing.binpb: no such file or directory"),
    ("git:no-such-ref", "git:no-such-ref: unknown git ref 'no-such-ref'"),
    (".git#branch=nope", ".git#branch=nope: unknown git ref 'refs/heads/nope'"),
    ("pkg:no_such_package_xyz", "pkg:no_such_package_xyz: no installed package named"),
])
def test_bad_image_and_ref_inputs(tmp_path: Path, arg: str, expected: str) -> None:
    (tmp_path / "corrupt.binpb").write_bytes(b"\x0a\xff\xff garbage")
    (tmp_path / "corrupt.json").write_text('{"file": [{"nmae": 1}]}')
    git(tmp_path, "init", "-q")
    result = run("build", arg, cwd=tmp_path)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_build_path_writes_the_targets_and_their_imports_only_as_buf_does(
        tmp_path: Path, buf: str) -> None:
    write_tree(tmp_path, {"p/a.proto": 'syntax = "proto3";\nimport "c.proto";\nmessage A { C c = 1; }\n',
                          "p/b.proto": 'syntax = "proto3";\nmessage B {}\n',
                          "p/c.proto": 'syntax = "proto3";\nmessage C {}\n'})
    assert run("build", "p", "--path", "p/a.proto", "-o", "ours.binpb", cwd=tmp_path).exit_code == 0
    subprocess.run([buf, "build", "p", "--path", "p/a.proto", "-o", "buf.binpb"], cwd=tmp_path,
                   check=True)
    for image in ("ours.binpb", "buf.binpb"):
        files = descriptor_pb2.FileDescriptorSet.FromString((tmp_path / image).read_bytes()).file
        assert [f.name for f in files] == ["c.proto", "a.proto"], image


def test_errors_module_is_the_only_way_out(tmp_path: Path) -> None:
    with pytest.raises(ProtopactError):
        read_image_file(tmp_path / "nothing", "nothing")


def test_python_dash_m_and_version() -> None:
    done = subprocess.run([sys.executable, "-m", "protopact", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("protopact 0.1.0\nprotoc ")
    help_ = subprocess.run([sys.executable, "-m", "protopact", "build", "--help"], capture_output=True, text=True)
    assert "--output" in help_.stdout


def test_installed_wheel_carries_its_protos_and_templates(tmp_path: Path) -> None:
    """The wheel alone, unpacked away from the checkout, compiles against protopact/v1 and renders."""
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(tmp_path / "dist"), str(REPO)], check=True, capture_output=True)
    site = tmp_path / "site"
    with zipfile.ZipFile(next((tmp_path / "dist").glob("protopact-*.whl"))) as wheel:
        wheel.extractall(site)
    work = write_tree(tmp_path / "work", SIMPLE)
    env = {**__import__("os").environ, "PYTHONPATH": str(site)}

    def protopact(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "protopact", *args], cwd=work, env=env,
                              capture_output=True, text=True)

    where = subprocess.run([sys.executable, "-c", "import protopact; print(protopact.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.startswith(str(site))
    assert protopact("build", "-o", "a.binpb").returncode == 0
    docs = protopact("docs", "--out", "site-docs")
    assert docs.returncode == 0, docs.stderr
    assert "acme.v1.A" in (work / "site-docs" / "html" / "acme.v1.html").read_text()


def test_symbolic_links_are_followed_as_buf_follows_them(tmp_path: Path) -> None:
    write_tree(tmp_path / "real", SIMPLE)
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "acme").symlink_to(tmp_path / "real" / "acme", target_is_directory=True)
    (tmp_path / "real" / "acme" / "loop").symlink_to(tmp_path / "real", target_is_directory=True)
    assert run("build", "ws", "-o", "x.binpb", cwd=tmp_path).exit_code == 0
    assert read_image_file(tmp_path / "x.binpb", "x").targets == {"acme/v1/a.proto"}


def test_exclude_source_info_and_plain_descriptor_sets(tmp_path: Path, buf: str) -> None:
    from google.protobuf import descriptor_pb2, unknown_fields

    write_tree(tmp_path, SIMPLE)
    assert run("build", "--exclude-source-info", "-o", "bare.binpb", cwd=tmp_path).exit_code == 0
    assert run("build", "--as-file-descriptor-set", "-o", "plain.binpb", cwd=tmp_path).exit_code == 0
    bare = descriptor_pb2.FileDescriptorSet.FromString((tmp_path / "bare.binpb").read_bytes())
    plain = descriptor_pb2.FileDescriptorSet.FromString((tmp_path / "plain.binpb").read_bytes())
    assert not any(f.HasField("source_code_info") for f in bare.file)
    assert all(f.HasField("source_code_info") for f in plain.file if f.name == "acme/v1/a.proto")
    assert not any(list(unknown_fields.UnknownFieldSet(f)) for f in plain.file)
    assert len(plain.file) > 1  # imports kept, just not marked
    for name in ("bare.binpb", "plain.binpb"):
        subprocess.run([buf, "build", name, "-o", "/dev/null"], cwd=tmp_path, check=True)


def test_remote_git_inputs_are_cloned(tmp_path: Path) -> None:
    origin = write_tree(tmp_path / "origin", {"buf.yaml": "version: v2\nmodules:\n  - path: proto\n",
                                              **{f"proto/{k}": v for k, v in SIMPLE.items()}})
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "one")
    commit = git(origin, "rev-parse", "HEAD").strip()
    for form in (f"file://{origin}/.git#branch=main", f"file://{origin}/.git#ref={commit}",
                 f"file://{origin}/.git#branch=main,subdir=proto"):
        result = run("build", form, "-o", "x.binpb", cwd=tmp_path)
        assert result.exit_code == 0, (form, result.stderr)
        assert read_image_file(tmp_path / "x.binpb", "x").targets == {"acme/v1/a.proto"}
    missing = run("build", f"file://{tmp_path}/nowhere.git#branch=main", cwd=tmp_path)
    assert missing.exit_code == 1
    assert "cannot clone" in missing.stderr and len(missing.stderr.strip().splitlines()) == 1


def test_image_extension_is_found_wherever_a_writer_put_it() -> None:
    """buf's extension is normally a file's last field; an image with it first reads the same,
    and a file whose own bytes contain the extension's tag is not cut."""
    tag = b"\xd2\xf6\x03"
    lookalike = descriptor_pb2.FileDescriptorProto(name="t.proto")
    lookalike.message_type.add(name="M").field.add(name="f", number=64338)  # varint d2 f6 03
    imported = descriptor_pb2.FileDescriptorProto(name="i.proto", package="p")
    extension = tag + b"\x02\x08\x01"

    def image(*payloads: bytes) -> bytes:
        return b"".join(b"\x0a" + bytes([len(p)]) + p for p in payloads)

    assert tag in lookalike.SerializeToString()
    for target in (lookalike.SerializeToString(), lookalike.SerializeToString() + tag + b"\x00"):
        for data in (image(imported.SerializeToString() + extension, target),
                     image(extension + imported.SerializeToString(), target)):
            read = image_from_bytes(data, label="x")
            assert read.targets == {"t.proto"}
            assert list(read.files) == [imported, lookalike]


def test_image_with_a_dangling_reference_is_refused_in_one_line(tmp_path: Path) -> None:
    fds = descriptor_pb2.FileDescriptorSet()
    f = fds.file.add(name="a.proto", package="a", syntax="proto3")
    message = f.message_type.add(name="M")
    message.field.add(name="x", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
                      type_name=".a.Nope", label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    message.field.add(name="y", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_INT32,
                      oneof_index=3, label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    (tmp_path / "bad.binpb").write_bytes(fds.SerializeToString())
    result = run("lint", "bad.binpb", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith("bad.binpb: not a valid image: a.proto: ")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("make", "kind"), [(os.mkfifo, "a FIFO"),
                                            (lambda p: p.symlink_to("/dev/zero"), "a device")])
def test_a_special_file_among_the_sources_is_refused_not_read(tmp_path: Path, make, kind) -> None:
    (tmp_path / "ok.proto").write_text('syntax = "proto3";\npackage a;\n')
    make(tmp_path / "stuck.proto")
    result = run("build", ".", "-o", "out.binpb", cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (
        1, f"stuck.proto: not a regular file ({kind}); only regular .proto files are read\n")


@pytest.mark.parametrize("text", ["/dev/zero", "x" * 300, "x" * 300 + "/a.proto", "a\nb", "a\x00b"])
def test_an_input_no_file_system_holds_or_that_is_not_a_file_is_refused_in_one_line(
        tmp_path: Path, text: str) -> None:
    result = run("build", text, "-o", "out.binpb", cwd=tmp_path)
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(text.replace("\n", "\\n").replace("\x00", "\\x00") + ": ")


def test_generate_completes_an_image_built_without_its_imports(tmp_path: Path) -> None:
    write_tree(tmp_path, SIMPLE)
    assert run("build", ".", "--exclude-imports", "-o", "cut.binpb", cwd=tmp_path).exit_code == 0
    result = run("generate", "cut.binpb", "--out", "gen", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert any((tmp_path / "gen").rglob("*.py"))


def test_files_are_in_import_path_order_across_modules_as_buf_orders_them(
        tmp_path: Path, buf: str) -> None:
    message = 'syntax = "proto3";\nmessage {} {{}}\n'
    write_tree(tmp_path, {
        "buf.yaml": "version: v2\nmodules:\n  - path: one\n  - path: two\n",
        "one/a/b_x.proto": message.format("X"), "one/a/b/c.proto": message.format("C"),
        "one/a/B.proto": message.format("B"), "two/a/b0.proto": message.format("Zero"),
        "two/z.proto": 'syntax = "proto3";\nimport "a/b_x.proto";\nmessage Z { X x = 1; }\n'})

    def order(image: Path) -> list[str]:
        return [f.name for f in descriptor_pb2.FileDescriptorSet.FromString(image.read_bytes()).file]

    assert run("build", ".", "-o", "ours.binpb", cwd=tmp_path).exit_code == 0
    subprocess.run([buf, "build", ".", "-o", "buf.binpb"], cwd=tmp_path, check=True)
    assert order(tmp_path / "ours.binpb") == order(tmp_path / "buf.binpb") == [
        "a/B.proto", "a/b/c.proto", "a/b0.proto", "a/b_x.proto", "z.proto"]


def test_json_of_an_image_whose_descriptor_proto_holds_no_list_of_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {"buf.yaml": "version: v2\n", "a.proto": (
        'syntax = "proto3";\npackage a;\nimport "google/protobuf/descriptor.proto";\n'
        "extend google.protobuf.FieldOptions { string note = 50001; }\n"
        'message M { string s = 1 [(note) = "x"]; }\n')})
    assert run("build", "-o", "image.binpb", cwd=tmp_path).exit_code == 0
    image = descriptor_pb2.FileDescriptorSet.FromString((tmp_path / "image.binpb").read_bytes())
    own = next(f for f in image.file if f.name == "google/protobuf/descriptor.proto")
    files = next(f for m in own.message_type if m.name == "FileDescriptorSet" for f in m.field)
    files.type = files.TYPE_BYTES  # the set now reads as a list of blobs
    files.ClearField("type_name")
    (tmp_path / "mutated.binpb").write_bytes(image.SerializeToString())
    result = run("build", "mutated.binpb", "-o", "out.json", cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (0, "")
    written = json.loads((tmp_path / "out.json").read_text())
    assert [f["name"] for f in written["file"]][-1] == "a.proto"


@pytest.mark.parametrize("deferred", [False, True])
def test_an_entry_whose_header_misplaces_its_files_is_not_read(
        tmp_path: Path, isolated_cache: Path, deferred: bool) -> None:
    write_tree(tmp_path, SIMPLE)
    assert run("build", cwd=tmp_path).exit_code == 0
    (entry,) = isolated_cache.rglob("*.image")
    cache = Cache(isolated_cache)
    with on_demand() if deferred else nullcontext():
        assert cache.get(entry.stem) is not None
        data = entry.read_bytes()
        at = len(cache_module._MAGIC)
        (length,) = struct.unpack_from(">I", data, at)
        header = marshal.loads(data[at + 4:at + 4 + length])
        for moved in ([[0, end] for _, end in header["payloads"]],  # each from the body's start
                      [[start, end - 1] for start, end in header["payloads"]]):  # one byte short
            text = marshal.dumps({**header, "payloads": moved})
            entry.write_bytes(data[:at] + struct.pack(">I", len(text)) + text
                              + data[at + 4 + length:])
            assert cache.get(entry.stem) is None


@pytest.mark.parametrize("deferred", [False, True])
def test_an_image_read_from_an_entry_is_stored_as_the_entry_it_came_from(
        tmp_path: Path, isolated_cache: Path, deferred: bool) -> None:
    """The files' digests and source info spans the entry gave are stored again, not found anew:
    the entry written is the one read, byte for byte."""
    write_tree(tmp_path, SIMPLE)
    assert run("build", cwd=tmp_path).exit_code == 0
    (entry,) = isolated_cache.rglob("*.image")
    with on_demand() if deferred else nullcontext():
        compiled = Cache(isolated_cache).get(entry.stem)
    assert compiled is not None
    again = Cache(tmp_path / "again")
    again._store(entry.stem, compiled, None)
    assert (tmp_path / "again" / entry.parent.name / entry.name).read_bytes() == entry.read_bytes()


def test_entries_of_a_kind_are_bounded_the_least_recently_used_first(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    for name in ("a", "b", "c"):
        cache.write_entry("located", name, b"x" * 100)
    for name, when in (("a", 1), ("b", 3), ("c", 2)):
        os.utime(tmp_path / "located" / name, (when, when))
    assert cache.read_entry("located", "a") == b"x" * 100  # a read is a use
    cache.bound("located", 250)
    assert sorted(p.name for p in (tmp_path / "located").iterdir()) == ["a", "b"]
