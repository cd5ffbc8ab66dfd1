"""The stability of services, methods and messages: ``protopact.v1`` stability options and packages.

``protopact/v1/stability.proto`` declares ``service_stability`` (51001), ``method_stability``
(51002) and ``message_stability`` (51003). An unmarked element inherits from its parent (a method
from its service, a nested message from the message around it); at the top, a ``v0`` package (last
component ``v0``) is beta and any other package stable. ``deprecated = true`` counts as deprecated
for every kind of element.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from google.protobuf import descriptor_pool
from google.protobuf.message import Message

from .options import CustomOptions


class Stability(enum.Enum):
    DEFAULT = "STABILITY_DEFAULT"  # not marked: inherit
    STABLE = "STABILITY_STABLE"
    BETA = "STABILITY_BETA"
    DEPRECATED = "STABILITY_DEPRECATED"


EXTENSIONS = {
    "google.protobuf.ServiceOptions": "protopact.v1.service_stability",
    "google.protobuf.MethodOptions": "protopact.v1.method_stability",
    "google.protobuf.MessageOptions": "protopact.v1.message_stability",
}


def playground_package(package: str) -> bool:
    """A ``v0`` package: a playground where changes happen without notice."""
    return package.rsplit(".", 1)[-1] == "v0"


class StabilityReader:
    """Stability marks of one Image's elements, from their options messages."""

    def __init__(self, pool: descriptor_pool.DescriptorPool) -> None:
        self._options = CustomOptions(pool)

    def own(self, options: Message) -> Stability:
        """The element's own mark (``DEFAULT`` when unmarked or not a service/method/message)."""
        extension = EXTENSIONS.get(options.DESCRIPTOR.full_name)
        names = self._options.enum_names(options, extension) if extension else ()
        try:
            return Stability(names[0]) if names else Stability.DEFAULT
        except ValueError:  # a number the enum does not name
            return Stability.DEFAULT

    def effective(self, package: str, chain: Sequence[Message]) -> Stability:
        """The stability of the innermost element of ``chain`` (options from outermost to
        innermost): its nearest mark, else its package's."""
        for options in reversed(chain):
            own = self.own(options)
            if own is not Stability.DEFAULT:
                return own
        return Stability.BETA if playground_package(package) else Stability.STABLE

    def deprecated(self, options: Message) -> bool:
        """Marked deprecated by ``deprecated = true`` or ``STABILITY_DEPRECATED``."""
        return bool(getattr(options, "deprecated", False)) or self.own(options) is Stability.DEPRECATED
