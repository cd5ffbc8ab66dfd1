"""Scripted failures, so that clients can test their retries: every Nth API call fails.

Only calls to the mocked API count (reflection and health never fail), and only calls that passed
authentication, so the schedule is exactly "call N, 2N, 3N, ... ends with the chosen status".
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Collection

import grpc

from ..errors import ProtopactError
from .handlers import RefusingInterceptor

_log = logging.getLogger(__name__)


def status_code(name: str) -> grpc.StatusCode:
    """The status called ``name`` (any case); OK is not a failure."""
    code = grpc.StatusCode.__members__.get(name.upper())
    if code is None or code is grpc.StatusCode.OK:
        choices = ", ".join(c.name for c in grpc.StatusCode if c is not grpc.StatusCode.OK)
        raise ProtopactError(f"--fail-code: {name!r} is not a gRPC status code; use one of {choices}")
    return code


class FaultInjector(RefusingInterceptor):
    def __init__(self, *, every: int, code: grpc.StatusCode, paths: Collection[str]) -> None:
        self._every, self._code, self._paths = every, code, frozenset(paths)
        self._calls = itertools.count(1)

    def refusal(self, details: grpc.HandlerCallDetails) -> tuple[grpc.StatusCode, str] | None:
        if self._every <= 0 or details.method not in self._paths:
            return None
        call = next(self._calls)
        if call % self._every:
            return None
        _log.info("injected %s into call %d (%s)", self._code.name, call, details.method)
        return self._code, f"injected fault: every {self._every}th call fails (this is call {call})"
