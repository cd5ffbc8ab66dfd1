"""Breaking-change rules: buf's, plus rules buf lacks (categories ``HTTP``, ``STABILITY`` and
``VALIDATION``).

``REGISTRY`` joins the rule table with the handlers that the rule modules register on import.
"""

from __future__ import annotations

from ..registry import Registry
from .protopact_table import PROTOPACT_RULES
from .table import BUF_RULES

REGISTRY = Registry("breaking", {**BUF_RULES, **PROTOPACT_RULES})

# The rule modules register their handlers on REGISTRY when imported.
from . import (  # noqa: F401
    enums,
    field_options,
    fields,
    files,
    http,
    messages,
    options,
    reserved,
    services,
    stability,
    validation,
)
