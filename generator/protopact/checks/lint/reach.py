"""What each lint rule reads, so that a file's findings can be kept while what they came from has not
changed (see :mod:`protopact.checks.reuse`).

- ``FILE``: the file's own descriptor, source info included (names, comments, options, its own
  import list), and the config.
- ``IMPORTS``: also the files it imports, directly or not (which file defines a type it uses).
- :class:`Grouped`: the target files that share a key with it (a package, a directory, a request
  type), however far apart; after an edit the rule runs again over the groups the edit touched.
- :class:`Graphed`: what ``IMPORTS`` covers and one property of the whole image (the package
  import graph), known by a digest: while the digest holds, the rule runs again over the files
  whose imports changed, directly or not, but those that resolve every name alike and whose
  direct imports are as before in what the rule reads of them (their packages); when the
  digest changes, over every target.
- ``IMAGE``: any file of the image or the set of targets (whether an import is a target, the types
  the conventions recognise anywhere, the descriptor pool a CEL expression resolves names in); it runs
  again on every lint. A rule missing from :data:`REACH` counts as ``IMAGE``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from google.protobuf.descriptor_pb2 import FileDescriptorProto

from .base import directory
from .package_graph import graph_digest

FILE, IMPORTS, IMAGE = "file", "imports", "image"
EMPTY = "google.protobuf.Empty"
# the keys counting Empty once more in each of its roles
EMPTY_REQUEST, EMPTY_RESPONSE = f"{EMPTY} request", f"{EMPTY} response"


def request_response_keys(file: FileDescriptorProto) -> Iterator[str]:
    """What RPC_REQUEST_RESPONSE_UNIQUE counts: per RPC, each type it takes or returns, and
    ``google.protobuf.Empty`` once more in each role it has (each role may be allowed alone)."""
    for service in file.service:
        for method in service.method:
            request, response = method.input_type.lstrip("."), method.output_type.lstrip(".")
            yield from {request, response}
            if request == EMPTY:
                yield EMPTY_REQUEST
            if response == EMPTY:
                yield EMPTY_RESPONSE


class Grouped(NamedTuple):
    """Findings on a file depend on the target files sharing one of its ``keys``."""

    name: str  # rules whose groups are the same share a name
    keys: Callable[[FileDescriptorProto], Iterable[str]]
    # the rules read of the other files only how many times the group holds each key (counting
    # over LintContext.group): a file runs again when it changed or one of its keys is held a
    # different number of times, and its keys are kept with their repeats
    counted: bool = False


class Graphed(NamedTuple):
    """Findings on a file depend on the file, the files it imports, directly or not, and on what
    ``digest`` digests of the image's files (its second argument: the files by name). Of a file
    it imports directly, a rule reads ``imported``; of the others, nothing the digest does not
    cover."""

    name: str
    digest: Callable[[Sequence[FileDescriptorProto], Mapping[str, FileDescriptorProto]], str]
    imported: Callable[[FileDescriptorProto], object]


_PACKAGE = Grouped("package", lambda f: (f.package,))
_DIRECTORY = Grouped("directory", lambda f: (directory(f.name),))
RPC_TYPES = Grouped("request and response types", request_response_keys, counted=True)

_PACKAGE_GRAPH = Graphed("package graph", graph_digest, lambda f: f.package)

Reach = str | Grouped | Graphed

REACH: Mapping[str, Reach] = {
    **dict.fromkeys((
        "COMMENT_ENUM", "COMMENT_ENUM_VALUE", "COMMENT_FIELD", "COMMENT_MESSAGE", "COMMENT_ONEOF",
        "COMMENT_RPC", "COMMENT_SERVICE",
        "ENUM_FIRST_VALUE_ZERO", "ENUM_NO_ALLOW_ALIAS", "ENUM_PASCAL_CASE", "ENUM_VALUE_PREFIX",
        "ENUM_VALUE_UPPER_SNAKE_CASE", "ENUM_ZERO_VALUE_SUFFIX",
        "FIELD_LOWER_SNAKE_CASE", "FIELD_NOT_REQUIRED", "FIELD_NO_DESCRIPTOR",
        "FILE_LOWER_SNAKE_CASE", "IMPORT_NO_PUBLIC", "IMPORT_NO_WEAK",
        "MESSAGE_PASCAL_CASE", "ONEOF_LOWER_SNAKE_CASE",
        "PACKAGE_DEFINED", "PACKAGE_DIRECTORY_MATCH", "PACKAGE_LOWER_SNAKE_CASE",
        "PACKAGE_VERSION_SUFFIX",
        "RPC_NO_CLIENT_STREAMING", "RPC_NO_SERVER_STREAMING", "RPC_PASCAL_CASE",
        "RPC_REQUEST_STANDARD_NAME", "RPC_RESPONSE_STANDARD_NAME",
        "SERVICE_PASCAL_CASE", "SERVICE_SUFFIX", "SYNTAX_SPECIFIED",
        "CONTRACT_COMMENTS", "CONTRACT_ENUM_ZERO_DEFAULT",
    ), FILE),
    # which imported file defines each type, extension and custom option the file uses
    "IMPORT_USED": IMPORTS,
    "DIRECTORY_SAME_PACKAGE": _DIRECTORY,
    "PACKAGE_SAME_DIRECTORY": _PACKAGE,
    **dict.fromkeys((
        "PACKAGE_SAME_CSHARP_NAMESPACE", "PACKAGE_SAME_GO_PACKAGE",
        "PACKAGE_SAME_JAVA_MULTIPLE_FILES", "PACKAGE_SAME_JAVA_PACKAGE",
        "PACKAGE_SAME_PHP_NAMESPACE", "PACKAGE_SAME_RUBY_PACKAGE", "PACKAGE_SAME_SWIFT_PREFIX",
    ), _PACKAGE),
    "RPC_REQUEST_RESPONSE_UNIQUE": RPC_TYPES,
    # a finding names a cycle through one of the file's imports
    "PACKAGE_NO_IMPORT_CYCLE": _PACKAGE_GRAPH,
    **dict.fromkeys((
        "STABLE_PACKAGE_NO_IMPORT_UNSTABLE",  # whether each import is a target
        "PROTOVALIDATE",  # CEL expressions resolve names in the whole image's pool
        "CONTRACT_LIST_PAGINATION", "CONTRACT_UPDATE_WRAPPERS", "CONTRACT_EVENT_METADATA_ACK",
        "CONTRACT_VALUE_TYPES",  # the conventions recognised over the whole image
    ), IMAGE),
}


def reach(rule: str) -> Reach:
    return REACH.get(rule, IMAGE)
