"""Mock-server reliability: many concurrent event streams with random ack delays.

Starts ``protopact mock`` on the repository's ``proto/`` (loopback only), opens ``--streams`` streams
of ``StreamCountryChangeEvents`` for ``--seconds``, acks every event after a random delay (some
after the ack timeout, so they are redelivered), de-duplicates by ack id at the client, and reports:
deliveries, redeliveries, events acked twice (must be 0), streams with gaps in their event ids
(must be 0: nothing lost), and the server's resident memory sampled ten times (should stay flat).
Results go to ``benchmarks/streams.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import grpc
from google.protobuf import message_factory

from protopact.compile.cache import Cache
from protopact.compile.inputs import load_input

REPO = Path(__file__).resolve().parents[1]
SERVICE = "protopact.example.events.v1.SubscriptionEventService"
TOKEN = "bench-token"


def _classes():  # type: ignore[no-untyped-def]
    image = load_input("proto", cwd=REPO, cache=Cache(None)).image
    names = ("StreamCountryChangeEventsRequest", "StreamCountryChangeEventsResponse",
             "AckCountryChangeEventRequest", "AckCountryChangeEventResponse")
    return [message_factory.GetMessageClass(
        image.pool.FindMessageTypeByName(f"protopact.example.events.v1.{n}")) for n in names]


def _rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
    return 0


async def soak(streams: int, seconds: float, events_per_second: float, scale: float) -> dict:
    request, response, ack_request, ack_response = _classes()
    server = subprocess.Popen(
        [sys.executable, "-m", "protopact", "mock", "proto", "--port", "0", "--no-rest",
         "--token", TOKEN, "--events-per-second", str(events_per_second),
         "--ack-timeout-scale", str(scale)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
    try:
        # The first line reads "gRPC on 127.0.0.1:PORT: services...".
        port = int(server.stdout.readline().split(":")[1])  # type: ignore[union-attr]
        metadata = [("authorization", f"Bearer {TOKEN}")]
        seen: dict[int, set[int]] = collections.defaultdict(set)
        acked: collections.Counter[str] = collections.Counter()
        counts = collections.Counter()
        ack_timeout = 10 * scale  # the smallest timeout the contract allows, scaled
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stream = channel.unary_stream(f"/{SERVICE}/StreamCountryChangeEvents",
                                          request_serializer=request.SerializeToString,
                                          response_deserializer=response.FromString)
            ack = channel.unary_unary(f"/{SERVICE}/AckCountryChangeEvent",
                                      request_serializer=ack_request.SerializeToString,
                                      response_deserializer=ack_response.FromString)
            stop = time.monotonic() + seconds
            pending: set[asyncio.Task[None]] = set()

            async def ack_later(event) -> None:  # type: ignore[no-untyped-def]
                await asyncio.sleep(random.uniform(0, 1.5 * ack_timeout))
                key = event.metadata.ack_id
                if key in acked:  # a redelivery of an event already acked: de-duplicated
                    return
                acked[key] += 0
                try:
                    await ack(ack_request(ack={"ack_id": key}), metadata=metadata)
                    acked[key] += 1
                except grpc.aio.AioRpcError:
                    counts["ack_errors"] += 1

            async def consume(index: int) -> None:
                call = stream(request(stream_configuration={
                    "max_in_flight": 20, "ack_timeout": {"seconds": 10}}), metadata=metadata)
                async for event in call:
                    counts["deliveries"] += 1
                    counts["redeliveries"] += event.metadata.is_redelivered
                    seen[index].add(int(event.metadata.event_id.replace("-", "")[16:], 16))
                    task = asyncio.create_task(ack_later(event))
                    pending.add(task)
                    task.add_done_callback(pending.discard)
                    if time.monotonic() > stop:
                        break
                call.cancel()

            samples: list[int] = []

            async def sample() -> None:
                while time.monotonic() < stop:
                    samples.append(_rss_mb(server.pid))
                    await asyncio.sleep(seconds / 10)

            await asyncio.gather(sample(), *(consume(i) for i in range(streams)))
            await asyncio.gather(*pending, return_exceptions=True)
        gaps = sum(1 for s in seen.values() if s and sorted(s) != list(range(min(s), max(s) + 1)))
        return {
            "streams": streams, "seconds": seconds, "events_per_second": events_per_second,
            "deliveries": counts["deliveries"], "redeliveries": counts["redeliveries"],
            "acked_events": len(acked), "acked_twice": sum(1 for v in acked.values() if v > 1),
            "streams_with_gaps": gaps, "ack_errors": counts["ack_errors"],
            "server_rss_mb": samples,
        }
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--events-per-second", type=float, default=1)
    parser.add_argument("--ack-timeout-scale", type=float, default=0.1,
                        help="shortens the mock's ack timeouts so redeliveries happen within the run")
    args = parser.parse_args()
    result = asyncio.run(soak(args.streams, args.seconds, args.events_per_second,
                              args.ack_timeout_scale))
    (Path(__file__).parent / "streams.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    if result["acked_twice"] or result["streams_with_gaps"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
