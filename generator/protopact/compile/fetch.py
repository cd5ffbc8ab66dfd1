"""The bytes behind an image or archive reference, and archives unpacked.

A reference's bytes come from a local file, a ``file://`` URL, an ``http://`` or ``https://``
download (kept in the cache, see :mod:`.downloads`), or standard input (``-``); they are decompressed as the reference says (gzip, zstd).
Archives (tar, zip) are unpacked keeping only the files a build reads (``.proto`` files and buf's
configs); a member whose path leaves the directory (``..``, an absolute path, a link) is skipped,
never written.
"""

from __future__ import annotations

import gzip
import io
import sys
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from ..errors import ProtopactError

def read_location(path: str, cwd: Path, label: str, cache_dir: Path | None = None) -> bytes:
    """The bytes at ``path``: a file (relative to ``cwd``), a URL (downloads kept in
    ``cache_dir``, see :mod:`.downloads`), or ``-`` for standard input."""
    if path in ("-", "/dev/stdin"):
        return sys.stdin.buffer.read()
    scheme = urlsplit(path).scheme.lower() if "://" in path else ""
    if scheme in ("http", "https"):
        from .downloads import fetched  # only inputs from a URL need it: kept off every build

        return fetched(path, label, cache_dir)
    if scheme == "file":
        local = Path(unquote(urlsplit(path).path))
    elif scheme:
        raise ProtopactError(f"{label}: cannot read {scheme}:// URLs (only http, https and file)")
    else:
        local = cwd / path
    try:
        if not local.is_file():
            problem = "not a regular file" if local.exists() else "no such file or directory"
            raise ProtopactError(f"{label}: {problem}")
        return local.read_bytes()
    except OSError as exc:
        raise ProtopactError(f"{label}: cannot read {local}: {exc.strerror or exc}") from None


def decompressed(data: bytes, compression: str, label: str) -> bytes:
    if compression == "gzip":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise ProtopactError(f"{label}: not valid gzip data: {exc}") from None
    if compression == "zstd":
        import zstandard  # only zstd inputs need it

        try:
            with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)) as reader:
                return reader.read()
        except (zstandard.ZstdError, OSError, ValueError) as exc:
            raise ProtopactError(f"{label}: not valid zstd data: {exc}") from None
    return data


def unpack(data: bytes, directory: Path, *, label: str, keep: Callable[[str], bool],
           zip_: bool | None = None, strip_components: int = 0) -> None:
    """Write the members of archive ``data`` that ``keep`` accepts under ``directory``, each
    without its first ``strip_components`` path elements. ``zip_`` None: told by the bytes."""
    if zip_ is None:
        zip_ = zipfile.is_zipfile(io.BytesIO(data))
    members: list[tuple[str, bytes]] = []
    try:
        if zip_:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [(i.filename, archive.read(i)) for i in archive.infolist()
                           if not i.is_dir() and _kept(i.filename, strip_components, keep)]
        else:
            with tarfile.open(fileobj=io.BytesIO(data)) as archive:
                for member in archive.getmembers():
                    if member.isfile() and _kept(member.name, strip_components, keep):
                        read = archive.extractfile(member)
                        members.append((member.name, read.read() if read else b""))
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        kind = "zip" if zip_ else "tar"
        reason = " ".join(str(exc).split())
        raise ProtopactError(f"{label}: not a readable {kind} archive: {reason}") from None
    for name, content in members:
        pure = _stripped(name, strip_components)
        if pure is None or pure.is_absolute() or ".." in pure.parts:
            continue
        target = directory / pure
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _stripped(name: str, strip_components: int) -> PurePosixPath | None:
    parts = [p for p in PurePosixPath(name).parts if p != "."]
    if PurePosixPath(name).is_absolute():
        return PurePosixPath(name)
    if len(parts) <= strip_components:
        return None
    return PurePosixPath(*parts[strip_components:])


def _kept(name: str, strip_components: int, keep: Callable[[str], bool]) -> bool:
    pure = _stripped(name, strip_components)
    return pure is not None and keep(pure.as_posix())
