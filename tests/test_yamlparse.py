"""buf.yaml and buf.lock parses kept by their text: the same values as PyYAML gives, without
PyYAML once kept, and a fresh parse whenever the text, the loader or PyYAML changes."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
import yaml

from protopact.config import yamlparse
from protopact.config.yamlparse import YamlError, kept_in, parsed

CONFIG = """version: v2
modules:
  - path: proto
    excludes: [proto/vendor]
lint:
  use: [STANDARD]
  except: [FIELD_LOWER_SNAKE_CASE]
  enum_zero_value_suffix: _UNSPECIFIED
  allow_comment_ignores: true
  rpc_allow_same_request_response: false
  ignore_only: {PACKAGE_VERSION_SUFFIX: [a.proto, b.proto]}
breaking:
  use: [FILE]
deps: [buf.build/googleapis/googleapis]
anchor: &a {x: 1, y: 0x1f, z: 1.5, n: null, t: ~}
again: *a
"""


def _refuse_pyyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("PyYAML parsed a kept text")

    monkeypatch.setattr(yaml, "load", refused)


@pytest.mark.parametrize("every_scalar_text", [False, True])
def test_a_kept_parse_equals_pyyaml_and_is_read_without_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, every_scalar_text: bool) -> None:
    loader = yaml.BaseLoader if every_scalar_text else yaml.SafeLoader
    expected = yaml.load(CONFIG, Loader=loader)
    with kept_in(tmp_path):
        assert parsed(CONFIG, every_scalar_text=every_scalar_text) == expected
        _refuse_pyyaml(monkeypatch)
        again = parsed(CONFIG, every_scalar_text=every_scalar_text)
    assert again == expected
    assert [type(v) for v in again["anchor"].values()] == \
        [type(v) for v in expected["anchor"].values()]
    with pytest.raises(AssertionError):  # another text is parsed
        with kept_in(tmp_path):
            parsed(CONFIG + "other: 1\n", every_scalar_text=every_scalar_text)


def test_the_loader_and_the_pyyaml_install_key_the_parse(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with kept_in(tmp_path):
        assert parsed("a: 1\n") == {"a": 1}
        assert parsed("a: 1\n", every_scalar_text=True) == {"a": "1"}
        assert parsed("a: 1\n") == {"a": 1}
    kept = set(tmp_path.rglob("*.marshal"))
    assert len(kept) == 2
    real = yamlparse._entry(tmp_path, "a: 1\n", False)
    from protopact.deps import dist_info

    found = dist_info.installed("PyYAML")
    assert found is not None
    monkeypatch.setattr(dist_info, "installed", lambda name: found._replace(record=found.record + "x"))
    # as in a new process: the install is read once a process
    monkeypatch.setattr(yamlparse, "_pyyaml", functools.cache(yamlparse._pyyaml.__wrapped__))
    assert yamlparse._entry(tmp_path, "a: 1\n", False) not in {real, None}


def test_values_marshal_cannot_hold_damaged_entries_and_errors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with kept_in(tmp_path):
        assert parsed("when: 2024-01-02\n") == yaml.safe_load("when: 2024-01-02\n")
        assert not list(tmp_path.rglob("*.marshal"))
        parsed("a: [1, 2]\n")
        (entry,) = tmp_path.rglob("*.marshal")
        entry.write_bytes(entry.read_bytes()[:3])
        assert parsed("a: [1, 2]\n") == {"a": [1, 2]}
        with pytest.raises(YamlError) as raised:
            parsed("a: [1\n")
    assert raised.value.problem and raised.value.problem_mark.line == 1


def test_nothing_is_kept_outside_a_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert parsed("a: 1\n") == {"a": 1}
    with kept_in(None):
        assert parsed("a: 1\n") == {"a": 1}
    assert not list(tmp_path.rglob("*"))


def test_the_parses_kept_are_bounded_the_least_recently_used_going_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"n: {i}\n" for i in range(6)]
    with kept_in(tmp_path):
        for text in texts:
            parsed(text)
    entries = sorted((tmp_path / "yaml").glob("*.marshal"))
    assert len(entries) == 6
    for age, entry in enumerate(entries):  # all written long ago, in a known order
        os.utime(entry, (1_000_000 + age, 1_000_000 + age))
    monkeypatch.setattr(yamlparse, "_LIMIT", 4 * entries[0].stat().st_size)
    with kept_in(tmp_path):
        oldest = yamlparse._entry(tmp_path, texts[0], False)
        assert oldest in entries
        parsed(texts[0])  # read: now the most recently used
        parsed("n: 6\n")  # written: the bound applies
    kept = set((tmp_path / "yaml").glob("*.marshal"))
    assert len(kept) == 4
    assert oldest in kept
