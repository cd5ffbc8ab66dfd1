"""Reading an INPUT reference as buf reads it: ``PATH[#key=value,...]``.

The format comes from ``#format=`` or else from the path's extension (``.binpb``/``.bin``,
``.json``, ``.txtpb``, ``.yaml`` images; ``.tar``, ``.tgz``, ``.zip`` archives; ``.gz`` and ``.zst``
compress the format the extension before them names; ``.git`` repositories; ``.proto`` files); a
path with none of them is a directory (or a module on a registry, which protopact does not read).
``-`` is an image on standard input. protopact adds ``git:REF`` (the repository holding the working
directory), ``pkg:NAME`` (an installed generated package) and ``.whl`` (a wheel of one).

Invalid references are refused with buf's wording, naming the reference.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from ..errors import ProtopactError, redacted

IMAGE_FORMATS = frozenset({"binpb", "bin", "json", "txtpb", "yaml", "bingz", "jsongz"})
ARCHIVE_FORMATS = frozenset({"tar", "targz", "zip"})
FORMATS = IMAGE_FORMATS | ARCHIVE_FORMATS | {"git", "dir", "mod", "protofile"}
COMPRESSIONS = ("none", "gzip", "zstd")
# the formats buf still reads but names otherwise (the compression becomes its own option)
_DEFAULT_COMPRESSION = {"bingz": "gzip", "jsongz": "gzip", "targz": "gzip"}
_CUSTOM_KEYS = {"json": {"use_proto_names", "use_enum_numbers"},
                "yaml": {"use_proto_names", "use_enum_numbers"}}
_BY_EXTENSION = {".bin": "binpb", ".binpb": "binpb", ".json": "json", ".txtpb": "txtpb",
                 ".yaml": "yaml", ".tar": "tar", ".zip": "zip", ".git": "git"}
_COMPRESSED = {".gz": "gzip", ".zst": "zstd"}
_COMPRESSIBLE = {".bin": "binpb", ".binpb": "binpb", ".json": "json", ".tar": "tar",
                 ".txtpb": "txtpb", ".yaml": "yaml"}
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# buf's guess for a path that is neither a file it knows nor a directory: REMOTE/OWNER/NAME[:REF]
_MODULE = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?/[^/:]+/[^/:]+(:[^/]+)?")
_DEPTH_WITH_REF = 50


class Ref(NamedTuple):
    """One parsed reference; ``text`` is as written (credentials redacted), for messages."""

    text: str
    path: str
    format: str
    compression: str = "none"
    strip_components: int = 0
    subdir: str = "."
    branch: str = ""
    tag: str = ""
    commit: str = ""
    ref: str = ""
    depth: int = 0
    recurse_submodules: bool = False
    include_package_files: bool = False
    in_checkout: bool = False  # git:REF, read from the repository holding the working directory

    @property
    def is_image(self) -> bool:
        return self.format in IMAGE_FORMATS

    @property
    def is_archive(self) -> bool:
        return self.format in ARCHIVE_FORMATS

    @property
    def remote(self) -> bool:
        return _URL.match(self.path) is not None


def parse(text: str, cwd: Path) -> Ref:
    """The reference ``text`` names, relative paths read from ``cwd``."""
    shown = redacted(text)

    def refuse(problem: str) -> ProtopactError:
        return ProtopactError(f"{shown}: {problem}")

    value = text.strip()
    if not value:
        raise ProtopactError('"": an input cannot be empty')
    if value.startswith("pkg:") or (value.endswith(".whl") and "#" not in value):
        return Ref(shown, value, "pkg" if value.startswith("pkg:") else "wheel")
    path, options = _split(value, refuse)
    if path.startswith("git:"):
        if not path[4:]:
            raise refuse("a git input needs a ref, as in git:main")
        if "ref" in options or "branch" in options or "tag" in options or "commit" in options:
            raise refuse("git:REF names its ref itself")
        options = {"format": "git", "ref": path[4:], **options}
        path = "."
    raw = _Raw(path, *_guess(path, cwd, refuse))
    unknown = []
    for key, val in options.items():
        if not raw.take(key, val, refuse):
            unknown.append(key)
    if raw.format == "git" and raw.depth == 0:
        raw.depth = _DEPTH_WITH_REF if raw.ref else 1
    _validate(raw, refuse)
    if raw.format not in FORMATS:
        raise refuse(f'unknown format: "{raw.format}"')
    invalid = sorted(k for k in unknown if k not in _CUSTOM_KEYS.get(raw.format, ()))
    if invalid:
        raise refuse("invalid key" + ("s" if len(invalid) > 1 else "") + ": "
                     + ", ".join(f'"{k}"' for k in invalid))
    if raw.format == "mod":
        raise refuse("a module on a Buf Schema Registry: protopact reads directories, archives, "
                     "git repositories, .proto files and images, not registry modules")
    if raw.format == "protofile" and not path.endswith(".proto"):
        raise refuse(f'proto file input "{path}" is not a .proto file')
    compression = raw.compression or _DEFAULT_COMPRESSION.get(raw.format, "none")
    return Ref(shown, path, raw.format, compression, raw.strip_components, raw.subdir, raw.branch,
               raw.tag, raw.commit, raw.ref, raw.depth, raw.recurse_submodules, raw.include_package_files,
               in_checkout=value.startswith("git:"))


def _split(value: str, refuse) -> tuple[str, dict[str, str]]:
    """The path and the options, as buf splits them."""
    parts = value.split("#")
    if len(parts) == 1:
        return value, {}
    if len(parts) > 2:
        raise refuse("has multiple #s which is invalid")
    path, options = parts[0].strip(), parts[1].strip()
    if not path:
        raise refuse("starts with # which is invalid")
    if not options:
        raise refuse("ends with # which is invalid")
    found: dict[str, str] = {}
    for pair in options.split(","):
        split = pair.split("=")
        if len(split) != 2 or not split[0].strip() or not split[1].strip():
            raise refuse(f'invalid options: "{options}"')
        key, val = split[0].strip(), split[1].strip()
        if key in found:
            raise refuse(f'duplicate options key: "{key}"')
        found[key] = val
    return path, found


def extension(path: str) -> str:
    """The extension of the last element of ``path``, its leading dot included, as Go's
    ``filepath.Ext`` gives it (``.git`` for ``.git``)."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[dot:] if dot >= 0 else ""


def _guess(path: str, cwd: Path, refuse) -> tuple[str, str]:
    """The format and compression the path's extension names, before any option."""
    if path == "-" or path == "/dev/stdin":
        return "binpb", ""
    ext = extension(path)
    if ext in _COMPRESSED:
        inner = extension(path[: -len(ext)])
        if inner not in _COMPRESSIBLE:
            raise refuse(f'path "{path}" had {ext} extension with unknown format')
        return _COMPRESSIBLE[inner], _COMPRESSED[ext]
    if ext == ".tgz":
        return "tar", "gzip"
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext], ""
    local = None if _URL.match(path) else cwd / path
    if ext == ".proto":
        return ("dir" if _is(local, Path.is_dir) else "protofile"), ""
    if _MODULE.fullmatch(path) and not _is(local, Path.exists):
        return "mod", ""
    return "dir", ""


def _is(path: Path | None, test) -> bool:
    """``test(path)``, false for no path and for one the system refuses (a name too long)."""
    try:
        return path is not None and test(path)
    except (OSError, ValueError):
        return False


class _Raw:
    """A reference's settings while its options are read (buf's RawRef)."""

    def __init__(self, path: str, format_: str, compression: str) -> None:
        self.path, self.format, self.compression = path, format_, compression
        self.strip_components, self.subdir = 0, "."
        self.branch = self.tag = self.ref = ""
        self.depth = 0
        self.commit = ""
        self.recurse_submodules = self.include_package_files = False

    def take(self, key: str, value: str, refuse) -> bool:
        """Apply one option; False when buf does not know it (a custom key of some formats)."""
        if key == "format":
            self.format = value
        elif key == "compression":
            if value not in COMPRESSIONS:
                raise refuse(f'unknown compression: "{value}" (valid values are '
                             f'"{",".join(COMPRESSIONS)}")')
            self.compression = value
        elif key == "branch":
            self.branch = value
        elif key == "tag":
            self.tag = value
        elif key == "commit":
            self.commit = value
        elif key == "ref":
            self.ref = value
        elif key == "depth":
            if not value.isdigit() or int(value) >= 2**32:
                raise refuse(f'could not parse "depth" value "{value}"')
            if int(value) == 0:
                raise refuse('"depth" must be >0 if specified')
            self.depth = int(value)
        elif key == "recurse_submodules":
            if value not in ("true", "false"):
                raise refuse(f'could not parse recurse_submodules value "{value}"')
            self.recurse_submodules = value == "true"
        elif key == "strip_components":
            if not value.isdigit() or int(value) >= 2**32:
                raise refuse(f'could not parse strip_components value "{value}"')
            self.strip_components = int(value)
        elif key == "subdir":
            self.subdir = _subdir(value, refuse)
        elif key == "include_package_files":
            if value not in ("true", "false"):
                raise refuse(f'invalid value "{value}" for key: "include_package_files"')
            self.include_package_files = value == "true"
        else:
            return False
        return True


def _subdir(value: str, refuse) -> str:
    pure = PurePosixPath(value)
    if pure.is_absolute():
        raise refuse(f"{value}: expected to be relative")
    parts: list[str] = []
    for part in pure.parts:
        if part == "..":
            if not parts:
                raise refuse(f"{value}: is outside the context directory")
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts) or "."


def _validate(raw: _Raw, refuse) -> None:
    """buf's checks of which options go with which format."""
    def invalid(what: str) -> ProtopactError:
        return refuse(f'invalid options for format "{raw.format}": {what} set')

    git, archive = raw.format == "git", raw.format in ARCHIVE_FORMATS
    if git:
        # tag= with commit= is accepted: buf then reads one or the other, by chance; protopact
        # reads the commit and requires it to be the tag's (see git.from_ref)
        if raw.branch and (raw.tag or raw.commit):
            raise refuse('must specify only one of "branch", "commit", or "tag"')
        if raw.ref and (raw.tag or raw.commit):
            raise refuse('cannot specify "commit" or "tag" with "ref"')
    elif raw.branch or raw.tag or raw.commit or raw.ref or raw.recurse_submodules or raw.depth:
        raise invalid("git options")
    if not archive and raw.strip_components:
        raise invalid("archive options")
    if raw.format == "zip" and raw.compression:
        raise refuse("cannot specify compression type for zip files")
    if raw.format not in IMAGE_FORMATS and not archive and raw.compression:
        raise invalid("compression")
    if not archive and not git and raw.subdir != ".":
        raise invalid("subdir")
