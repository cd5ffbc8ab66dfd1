"""YAML configuration (``buf.yaml``, ``buf.lock``) parsed once per text: what PyYAML made of a text
is kept in the cache directory under the digest of the text, the loader and the installed PyYAML,
so a run whose configuration did not change neither imports PyYAML nor parses (15 ms and more on
every lint and compile). Values marshal cannot hold (a YAML timestamp) are parsed each time. The
parses kept are bounded in size, those used least recently removed first.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from ..compile.recency import beyond, used

_KEPT_IN: ContextVar[Path | None] = ContextVar("yaml_kept_in", default=None)


class YamlError(Exception):
    """PyYAML's error, with the two parts its messages are made of."""

    def __init__(self, message: str, problem: str | None, problem_mark: Any) -> None:
        super().__init__(message)
        self.problem = problem
        self.problem_mark = problem_mark


@contextmanager
def kept_in(directory: Path | None) -> Iterator[None]:
    """Within, parses are kept in (and read from) ``directory`` (None: not kept)."""
    token = _KEPT_IN.set(directory)
    try:
        yield
    finally:
        _KEPT_IN.reset(token)


def parsed(text: str, *, every_scalar_text: bool = False) -> Any:
    """``yaml.safe_load(text)``, or with ``every_scalar_text`` PyYAML's ``BaseLoader`` (a scalar
    is a string whatever it looks like); raises :class:`YamlError`."""
    directory = _KEPT_IN.get()
    path = None if directory is None else _entry(directory, text, every_scalar_text)
    if path is not None:
        try:
            value = marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            pass
        else:
            used(path)
            return value
    import yaml

    try:
        value = yaml.load(text, Loader=yaml.BaseLoader if every_scalar_text else yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise YamlError(str(exc), getattr(exc, "problem", None),
                        getattr(exc, "problem_mark", None)) from None
    if path is not None:
        _keep(path, value)
    return value


def _entry(directory: Path, text: str, every_scalar_text: bool) -> Path | None:
    parser = _pyyaml()
    if parser is None:
        return None
    key = hashlib.sha256("\0".join((
        "base" if every_scalar_text else "safe", parser, str(marshal.version), text)).encode()
    ).hexdigest()
    return directory / "yaml" / f"{key}.marshal"


@cache  # the PyYAML a process imports is the one it started with: its RECORD is read once
def _pyyaml() -> str | None:
    """The installed PyYAML's version and RECORD, None when it is not installed."""
    from ..deps.dist_info import installed  # deps reads buf.lock with this module

    found = installed("PyYAML")
    return None if found is None else f"{found.version}\0{found.record}"


def _keep(path: Path, value: Any) -> None:
    try:
        data = marshal.dumps(value)
    except ValueError:  # a value marshal cannot hold
        return
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
        for entry in beyond(path.parent.glob("*.marshal"), _LIMIT):
            entry.unlink(missing_ok=True)
    except OSError:  # a cache that cannot be written only costs the parse next time
        temporary.unlink(missing_ok=True)


_LIMIT = 2**22  # bytes of parses kept: thousands of configurations, each a few hundred bytes
