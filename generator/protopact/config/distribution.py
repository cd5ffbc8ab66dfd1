"""A generated distribution's name and version when ``[tool.protopact]`` does not give them.

The name comes from the API itself: the ``name`` of the module in ``buf.yaml``
(``buf.build/acme/weather`` -> ``acme-weather``), else the packages of the input's files (their
common leading components, without a version: ``acme.weather.v1`` -> ``acme-weather-api``), else
``proto-api``. The version comes from the project's git tags: a tag at ``HEAD`` (``v1.4.2``,
``1.4.2``, ``v2.0.0-rc.1`` -> ``2.0.0rc1``) is the version; commits after the latest tag make the
next patch's development release, as setuptools-scm does (``v1.4.2`` and 3 commits ->
``1.4.3.dev3``); without a tag, ``0.0.0``. Each default is said in a warning, since a package
published under a guessed name or version is hard to take back.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

from packaging.version import InvalidVersion, Version

from ..compile.image import Image
from .bufyaml import Workspace
from .pyproject import protopact_table
from .settings import Settings

_VERSION_PART = re.compile(r"v?\d+(alpha|beta)?\d*\Z")
_DESCRIBED = re.compile(r"(?P<tag>.+)-(?P<count>\d+)-g[0-9a-f]+\Z")


def with_defaults(settings: Settings, project: Path, workspace: Workspace,
                  image: Image) -> tuple[Settings, list[str]]:
    """``settings`` with the name and version ``[tool.protopact]`` leaves out, and a warning for
    each one defaulted."""
    table = protopact_table(project) or {}
    warnings = []
    if "name" not in table:
        name, source = _name(workspace, image)
        settings = replace(settings, name=name)
        warnings.append(f"pyproject.toml: [tool.protopact] sets no name; the distribution is named "
                        f"{name!r} ({source})")
    if "version" not in table:
        version, source = _version(project)
        settings = replace(settings, version=version)
        warnings.append(f"pyproject.toml: [tool.protopact] sets no version; the distribution is "
                        f"version {version} ({source})")
    return settings, warnings


def _name(workspace: Workspace, image: Image) -> tuple[str, str]:
    named = next((m.name for m in workspace.modules if m.name), "")
    parts = [p for p in named.split("/")[1:] if p]  # without the registry's host
    if parts:
        return _distribution("-".join(parts)), "from the module name in buf.yaml"
    packages = sorted({f.package for f in image.target_files() if f.package})
    common = _common([p.split(".") for p in packages])
    common = [part for part in common if not _VERSION_PART.match(part)]
    if common:
        return _distribution("-".join(common) + "-api"), "from the proto package"
    return Settings().name, "set one in pyproject.toml"


def _common(paths: list[list[str]]) -> list[str]:
    if not paths:
        return []
    out = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        out.append(parts[0])
    return out


def _distribution(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _version(project: Path) -> tuple[str, str]:
    """From ``git describe``: the latest version tag reachable from ``HEAD``."""
    try:
        done = subprocess.run(["git", "-C", str(project), "describe", "--tags", "--long",
                               "--match", "v[0-9]*", "--match", "[0-9]*"],
                              capture_output=True, text=True, check=False)
    except FileNotFoundError:  # no git: no tags
        return Settings().version, "no git tag; set one in pyproject.toml"
    described = _DESCRIBED.match(done.stdout.strip()) if done.returncode == 0 else None
    if described is None:
        return Settings().version, "no git tag; set one in pyproject.toml"
    tag, count = described["tag"], int(described["count"])
    try:
        version = Version(tag)
    except InvalidVersion:
        return Settings().version, f"git tag {tag!r} is not a version; set one in pyproject.toml"
    if count == 0:
        return str(version), f"from git tag {tag}"
    if version.is_prerelease:
        return f"{version}.post{count}.dev0", f"{count} commits after git tag {tag}"
    major, minor, patch = (version.release + (0, 0))[:3]
    return f"{major}.{minor}.{patch + 1}.dev{count}", f"{count} commits after git tag {tag}"
