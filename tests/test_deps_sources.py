"""``[tool.protopact.deps]`` of pyproject.toml: a module served from a directory, a git repository
(local, or cloned from a URL), an archive, or a generated protopact package."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from protopact.compile.image import image_from_bytes

from .conftest import REPO, git, run, tar_bytes, write_tree, zip_bytes

SHARED = "buf.build/acme/shared"
MONEY = ('syntax = "proto3";\npackage acme.shared.v1;\n'
         "message Money { int64 units = 1; }\n")
ORDER = ('syntax = "proto3";\n// Orders.\npackage shop.v1;\nimport "acme/shared/v1/money.proto";\n'
         "// An order.\nmessage Order {\n  // Its total.\n  acme.shared.v1.Money total = 1;\n}\n")
BUF_YAML = f"version: v2\nmodules:\n  - path: proto\ndeps:\n  - {SHARED}\n" \
           "lint:\n  use: [STANDARD, COMMENTS]\n"


def _project(root: Path, mapping: str) -> Path:
    return write_tree(root, {"buf.yaml": BUF_YAML, "proto/shop/v1/order.proto": ORDER,
                             "pyproject.toml": f"[tool.protopact.deps]\n{mapping}\n"})


def _imports(root: Path) -> dict[str, str]:
    """Each import's text as the built image holds it (its first message's first field)."""
    built = run("build", "-o", "image.binpb", cwd=root)
    assert built.exit_code == 0, built.stderr
    image = image_from_bytes((root / "image.binpb").read_bytes(), label="image")
    assert image.targets == {"shop/v1/order.proto"}
    return {f.name: f.message_type[0].field[0].name for f in image.files
            if f.name.startswith("acme/")}


def test_a_directory_inside_the_project(tmp_path: Path, buf: str) -> None:
    write_tree(tmp_path / "vendor/shared", {"acme/shared/v1/money.proto": MONEY})
    _project(tmp_path, f'"{SHARED}" = "vendor/shared"')
    assert _imports(tmp_path) == {"acme/shared/v1/money.proto": "units"}
    # lint reports on the targets only (money.proto lacks every comment), as buf with the
    # directory as a local module
    ours = run("lint", "--error-format", "json", cwd=tmp_path)
    (tmp_path / "buf.yaml").write_text(BUF_YAML.replace(f"deps:\n  - {SHARED}\n", "")
                                       .replace("- path: proto\n", "- path: proto\n  - path: "
                                                "vendor/shared\n    lint:\n      ignore: "
                                                "[vendor/shared]\n"))
    theirs = subprocess.run([buf, "lint", "--error-format", "json"], cwd=tmp_path, check=False,
                            capture_output=True, text=True)
    assert (ours.exit_code, ours.stdout) == (theirs.returncode, theirs.stdout) == (0, "")


def test_paths_outside_the_project_must_be_absolute(tmp_path: Path) -> None:
    write_tree(tmp_path / "elsewhere", {"acme/shared/v1/money.proto": MONEY})
    project = _project(tmp_path / "project", f'"{SHARED}" = "../elsewhere"')
    refused = run("build", cwd=project)
    assert refused.exit_code == 1
    assert refused.stderr == (f"pyproject.toml: [tool.protopact.deps] '{SHARED}': '../elsewhere' is "
                              "outside the project; write a path outside it as an absolute path\n")
    _project(project, f'"{SHARED}" = {{ path = "{tmp_path / "elsewhere"}" }}')
    assert _imports(project) == {"acme/shared/v1/money.proto": "units"}


@pytest.mark.parametrize("entry, error", [
    ('"buf.build/acme/shared" = 3', "expected a path or a table"),
    ('"buf.build/acme/shared" = { path = "a", git = "b" }', "give exactly one of"),
    ('"buf.build/acme/shared" = { git = "a", sha256 = "b" }', "unknown key 'sha256'"),
    ('"buf.build/acme/shared" = { archive = "https://x/a.tgz" }', "needs its sha256"),
    ('"buf.build/acme/shared" = { archive = "a.tgz", subdir = "../x" }', "subdir must be"),
    ('"acme" = "vendor"', "is not a module name"),
])
def test_a_bad_mapping_is_one_line(tmp_path: Path, entry: str, error: str) -> None:
    _project(tmp_path, entry)
    refused = run("build", cwd=tmp_path)
    assert refused.exit_code == 1 and len(refused.stderr.splitlines()) == 1
    assert refused.stderr.startswith("pyproject.toml: [tool.protopact.deps]") and error in \
        refused.stderr


@pytest.fixture
def shared_repo(tmp_path: Path) -> Path:
    """A repository whose tag v1 has ``units``, and whose main branch has moved on to ``cents``."""
    repo = write_tree(tmp_path / "shared", {"proto/acme/shared/v1/money.proto": MONEY,
                                            "README.md": "shared\n"})
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "v1")
    git(repo, "tag", "v1")
    (repo / "proto/acme/shared/v1/money.proto").write_text(MONEY.replace("units", "cents"))
    git(repo, "commit", "-qam", "cents")
    return repo


@pytest.mark.parametrize("remote", [False, True])
def test_a_git_repository_at_a_ref(tmp_path: Path, shared_repo: Path, remote: bool) -> None:
    location = f"file://{shared_repo}" if remote else str(shared_repo)
    project = _project(tmp_path / "project",
                       f'"{SHARED}" = {{ git = "{location}", ref = "v1", subdir = "proto" }}')
    assert _imports(project) == {"acme/shared/v1/money.proto": "units"}
    _project(project, f'"{SHARED}" = {{ git = "{location}", ref = "main", subdir = "proto" }}')
    assert _imports(project) == {"acme/shared/v1/money.proto": "cents"}
    _project(project, f'"{SHARED}" = {{ git = "{location}", ref = "v9" }}')
    refused = run("build", cwd=project)
    assert refused.exit_code == 1 and "unknown git ref 'v9'" in refused.stderr


def _tar(files: dict[str, bytes]) -> bytes:
    return tar_bytes(files, mode="w:gz")


@pytest.mark.parametrize("suffix, pack", [(".tar.gz", _tar), (".zip", zip_bytes)])
def test_an_archive_with_a_subdir(tmp_path: Path, suffix: str, pack) -> None:
    data = pack({"shared-1.0/proto/acme/shared/v1/money.proto": MONEY.encode(),
                 "shared-1.0/proto/../../../escaped.proto": b"x",
                 "shared-1.0/README.md": b"shared\n"})
    (tmp_path / f"shared{suffix}").write_bytes(data)
    _project(tmp_path, f'"{SHARED}" = {{ archive = "shared{suffix}", subdir = "shared-1.0/proto" }}')
    assert _imports(tmp_path) == {"acme/shared/v1/money.proto": "units"}
    assert not list(tmp_path.parent.rglob("escaped.proto"))
    _project(tmp_path, f'"{SHARED}" = {{ archive = "shared{suffix}", sha256 = "{"0" * 64}" }}')
    refused = run("build", cwd=tmp_path)
    assert refused.exit_code == 1 and f"not {'0' * 64} as pyproject.toml pins it" in refused.stderr


def test_a_generated_package_of_proto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A downstream contract built on the package generated from this repository's proto/."""
    monkeypatch.syspath_prepend(str(REPO / "generated" / "python"))
    write_tree(tmp_path, {
        "buf.yaml": "version: v2\ndeps:\n  - buf.build/protopact/example\n",
        "pyproject.toml": '[tool.protopact.deps]\n"buf.build/protopact/example" = '
                          '"pkg:protopact_example_api"\n',
        "crm/v1/crm.proto": 'syntax = "proto3";\npackage crm.v1;\n'
                            'import "protopact/example/users/v1/users.proto";\n'
                            "message Contact { protopact.example.users.v1.User user = 1; }\n"})
    built = run("build", "-o", "image.binpb", cwd=tmp_path)
    assert built.exit_code == 0, built.stderr
    image = image_from_bytes((tmp_path / "image.binpb").read_bytes(), label="image")
    assert "protopact/example/users/v1/users.proto" in image.by_name
    assert image.targets == {"crm/v1/crm.proto"}
    (tmp_path / "pyproject.toml").write_text('[tool.protopact.deps]\n"buf.build/protopact/example"'
                                             ' = "pkg:no_such_api"\n')
    refused = run("build", cwd=tmp_path)
    assert refused.exit_code == 1 and "no installed generated package 'no_such_api'" in \
        refused.stderr
    assert json.loads(json.dumps(refused.stderr))  # one printable line
