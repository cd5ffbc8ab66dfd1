"""Lint rules: buf's, plus the contract conventions (category ``CONTRACT``).

``REGISTRY`` joins the rule table with the handlers that the rule modules register on import.
"""

from __future__ import annotations

from ..registry import Registry
from .table import BUF_RULES

REGISTRY = Registry("lint", dict(BUF_RULES))
