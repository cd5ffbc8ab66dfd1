"""Lint rules: buf's, plus the contract conventions (category ``CONTRACT``).

``REGISTRY`` joins the rule tables with the handlers that the rule modules register on import.
"""

from __future__ import annotations

from ..registry import Registry
from .contract_table import CONTRACT_RULES
from .reach import FILE, IMPORTS, REACH
from .table import BUF_RULES

REGISTRY = Registry("lint", {**BUF_RULES, **CONTRACT_RULES},
                    by_file=frozenset(r for r, reach in REACH.items() if reach in (FILE, IMPORTS)))

# Imported for their registrations.
from . import (  # noqa: F401
    comments,
    contract,
    enums,
    fields,
    files,
    imports,
    naming,
    packages,
    protovalidate,
    rpcs,
)
