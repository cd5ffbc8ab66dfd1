"""Installed distributions read without importlib.metadata give what it gives, and see every
install, upgrade and removal."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

import pytest

from protopact.deps import dist_info
from protopact.deps.distributions import distribution_dependency
from protopact.versions import grpcio_tools, protobuf


def test_versions_read_from_the_packages_equal_their_metadata() -> None:
    assert protobuf() == metadata.version("protobuf")
    assert grpcio_tools() == metadata.version("grpcio-tools")


def test_every_installed_distribution_reads_as_importlib_metadata_reads_it() -> None:
    names = {d.metadata["Name"] for d in metadata.distributions()}
    assert len(names) > 20
    for name in sorted(names):
        dist = metadata.distribution(name)
        found = dist_info.installed(name)
        assert found is not None, name
        assert (found.name, found.version, found.record) == \
            (dist.metadata["Name"], dist.version, dist.read_text("RECORD") or ""), name
        listed = dist.files
        assert found.files() == (None if listed is None else [f.as_posix() for f in listed]), name
        assert [found.locate(f.as_posix()) for f in listed or ()] == \
            [Path(str(f.locate())) for f in listed or ()], name


def test_a_name_is_matched_as_pep_503_normalizes_it() -> None:
    found = dist_info.installed("GoogleAPIs.Common_Protos")
    assert found is not None and found.name == metadata.distribution("googleapis-common-protos").name
    assert dist_info.installed("no-such-distribution-anywhere") is None


def _install(site: Path, version: str, record: str) -> None:
    for old in site.glob("acme_protos-*.dist-info"):
        for file in old.iterdir():
            file.unlink()
        old.rmdir()
    info = site / f"acme_protos-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: acme-protos\nVersion: {version}\n"
                                   "Summary: a folded\n  summary\n\nbody\nVersion: 9\n")
    (info / "RECORD").write_text(record)


def test_install_upgrade_reinstall_and_removal_are_each_seen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    dist_info._children.cache_clear()
    seen = []
    for version, record in (("1.0", "a.proto,sha256=1,1\n"), ("1.1", "a.proto,sha256=1,1\n"),
                            ("1.1", "a.proto,sha256=2,1\n")):
        _install(tmp_path, version, record)
        dist_info._children.cache_clear()  # a new run lists the directories again
        dep = distribution_dependency("buf.build/acme/protos", "acme-protos")
        assert dep is not None and dep.version == version
        assert dep.origin == "installed distribution acme-protos"
        seen.append(dep.fingerprint)
    assert len(set(seen)) == 3
    _install(tmp_path, "1.1", "")
    next(tmp_path.glob("*.dist-info")).joinpath("RECORD").unlink()
    next(tmp_path.glob("*.dist-info")).joinpath("METADATA").unlink()
    next(tmp_path.glob("*.dist-info")).rmdir()
    dist_info._children.cache_clear()
    assert distribution_dependency("buf.build/acme/protos", "acme-protos") is None


def test_an_egg_on_the_path_is_left_to_importlib_metadata(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    egg = tmp_path / "acme_protos-2.0-py3.11.egg"
    (egg / "EGG-INFO").mkdir(parents=True)
    (egg / "EGG-INFO" / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: acme-protos\n"
                                               "Version: 2.0\n")
    monkeypatch.setattr(sys, "path", [str(egg), *sys.path])
    found = dist_info.installed("acme-protos")
    assert found is not None and (found.name, found.version, found.record) == \
        ("acme-protos", "2.0", "")


def test_files_are_listed_and_located_as_importlib_metadata_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    # a quoted comma, a path to normalize, and an empty RECORD (then SOURCES.txt is read)
    for record in ('"a,b.proto",sha256=1,1\nx/./c.proto,,\n../../share/d.proto,,\n', ""):
        _install(tmp_path, "1.0", record)
        info = next(tmp_path.glob("*.dist-info"))
        (info / "SOURCES.txt").write_text("e.proto\n")
        dist_info._children.cache_clear()
        found = dist_info.installed("acme-protos")
        dist = metadata.PathDistribution(info)
        assert found is not None and dist.files
        assert found.files() == [f.as_posix() for f in dist.files]
        assert [found.locate(f.as_posix()) for f in dist.files] == \
            [Path(str(f.locate())) for f in dist.files]
