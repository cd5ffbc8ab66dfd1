"""The generated ``EventStream`` client on APIs whose event types are their own, against the mock.

The telecom API acknowledges with an ``AckHandle`` message in an ``EventHeader`` through
``Confirm*`` RPCs, configured by ``ConsumerOptions`` (``in_flight_limit``, ``ack_deadline``); the
ledger API settles a plain ``receipt_handle`` string of a ``Delivery`` through ``SettleEntryEvent``,
configured by a ``Subscription`` (``prefetch_count``, ``ack_wait``). The client runs in a process of
its own, as an application would, against the mock on this loop.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input
from protopact.config.settings import Settings
from protopact.render.python import render_python

from .mock_harness import FAST, running, scenario
from .test_conventions import FIXTURES

_CLIENT = """
import json, os, sys, threading, time
import grpc
sys.path.insert(0, sys.argv[1])
from google.protobuf.duration_pb2 import Duration
from {pkg}.event_stream import EventStream
from {pkg}.{module} import {config}
from {pkg}.{module} import *  # the ack type, where it is a message
from {pkg}.{service_module} import *
from {pkg}.{service_module}_grpc import {stub}

stub = {stub}(grpc.insecure_channel(sys.argv[2]))
auth = [("authorization", "Bearer " + sys.argv[3])]
lock = threading.Lock()
state = {{"running": 0, "most": 0, "failed": None, "forged": None, "rejected": [], "handled": [],
         "stopped": False}}

def handle(event):
    meta = event.{meta}
    with lock:
        state["running"] += 1
        state["most"] = max(state["most"], state["running"])
    time.sleep(0.05)  # long enough for the limit to be reached
    with lock:
        state["running"] -= 1
        if state["failed"] is None:
            state["failed"] = meta.event_id
            raise RuntimeError("the first event fails once, so it must come back")
        state["handled"].append([meta.event_id, meta.{redelivered}])
        came_back = [e for e, again in state["handled"] if again]
        if (len(state["handled"]) >= 30 and state["failed"] in came_back
                and state["forged"] in came_back) or len(state["handled"]) >= 300:
            state["stopped"] = True
            stream.stop()

def key(handle):
    return handle if isinstance(handle, str) else handle.value

def ack(handle):
    with lock:
        forge = state["forged"] is None and state["failed"] is not None
        if forge:  # one acknowledgement goes out with a handle the server never delivered
            state["forged"] = delivered[key(handle)]
            handle = {forged}
    try:
        return stub.{ack_rpc}({ack_request}, metadata=auth)
    except grpc.RpcError as error:
        if not state["stopped"]:  # a stopped stream's queue is gone: its acks are NOT_FOUND
            state["rejected"].append(error.code().name)
        raise

delivered = {{}}  # handle -> event id
def open_(config):
    for event in stub.{open}({request}({config_field}=config), metadata=auth):
        delivered[key(event.{meta}.{handle})] = event.{meta}.event_id
        yield event

stream = EventStream(open=open_, ack=ack, on_error=lambda event, error: None,
                     configuration={config}({in_flight}=3, {deadline}=Duration(seconds=30)))
threading.Timer(15, stream.stop).start()  # never outlive the test, whatever happens
stream.run(handle)
print(json.dumps(state))
sys.stdout.flush()
os._exit(0)  # the timer's thread may still wait
"""

APIS = {
    "telecom": dict(
        pkg="telco_api", module="telco.events.v1.delivery_pb2", config="ConsumerOptions",
        service_module="telco.events.v1.roaming_pb2", stub="RoamingEventServiceStub",
        open="StreamRoamingEvents", request="StreamRoamingEventsRequest", config_field="options",
        in_flight="in_flight_limit", deadline="ack_deadline", meta="header",
        redelivered="redelivery", handle="ack_handle", ack_rpc="ConfirmRoamingEvent",
        ack_request="ConfirmRoamingEventRequest(handle=handle)", forged='AckHandle(value="forged")'),
    "ledger": dict(
        pkg="ledger_api", module="ledger.v1.ledger_pb2", config="Subscription",
        service_module="ledger.v1.ledger_pb2", stub="EntryServiceStub", open="WatchEntryEvents",
        request="WatchEntryEventsRequest", config_field="subscription", in_flight="prefetch_count",
        deadline="ack_wait", meta="delivery", redelivered="redelivered", handle="receipt_handle",
        ack_rpc="SettleEntryEvent", ack_request="SettleEntryEventRequest(receipt_handle=handle)",
        forged='"forged"'),
}


def _generate(name: str, out: Path) -> Image:
    image = load_input(str(FIXTURES / name), cwd=FIXTURES, cache=Cache(None)).image
    settings = Settings(name=APIS[name]["pkg"].replace("_", "-"), version="1.0.0")
    for path, data in render_python(image, settings).items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)
    return image


@pytest.mark.parametrize("name", sorted(APIS))
def test_the_generated_client_speaks_the_api_own_event_types(name: str, tmp_path: Path) -> None:
    image = _generate(name, tmp_path)
    module = (tmp_path / APIS[name]["pkg"] / "event_stream.py").read_text()
    # the client is typed with the API's own classes, never protopact.v1's
    assert "protopact" not in module.split('"""', 2)[2].replace("Generated by protopact", "")
    assert f"configuration: {APIS[name]['config']} | None = None" in module
    assert f"self._ack(event.{APIS[name]['meta']}." in module

    @scenario
    async def consume() -> None:
        async with running(image, **FAST) as (client, _, port):
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", _CLIENT.format(**APIS[name]), str(tmp_path),
                f"127.0.0.1:{port}", client.token, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                out, err = await process.communicate()
            finally:
                if process.returncode is None:
                    process.kill()
        assert process.returncode == 0, err.decode()
        state = json.loads(out)
        assert state["most"] == 3  # as many handlers at once as the limit allows, no more
        assert state["rejected"] == ["NOT_FOUND"]  # the forged handle, only
        handled: dict[str, list[bool]] = {}
        for event_id, redelivered in state["handled"]:
            handled.setdefault(event_id, []).append(redelivered)
        # the failed and the wrongly acknowledged events came back after the deadline, flagged;
        # every other event was settled in time and handled once
        assert handled[state["failed"]] == [True]
        assert handled[state["forged"]] == [False, True]
        assert all(times == [False] for event_id, times in handled.items()
                   if event_id not in (state["failed"], state["forged"]))

    consume()
