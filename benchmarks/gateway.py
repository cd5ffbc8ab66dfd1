"""Gateway overhead: a unary REST call through ``protopact gateway`` against the same call made
directly over gRPC, on loopback, against one upstream (``protopact mock`` serving ``proto/``). The
gateway runs as its own process, as it is deployed.

Reports the median and 95th-percentile latency of sequential calls, their ratio, and throughput at
1, 16 and 64 concurrent clients for both paths. Results go to ``benchmarks/gateway.json``.

The REST side is measured with a minimal HTTP/1.1 keep-alive client (one connection per concurrent
client), the counterpart of grpc's C client on the direct side: httpx's own work per request
(about 0.8 ms here) would otherwise be charged to the gateway. The httpx figure is reported too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import grpc
import httpx
from google.protobuf import message_factory

from protopact.compile.cache import Cache
from protopact.compile.inputs import load_input

REPO = Path(__file__).resolve().parents[1]
TOKEN = "bench-token"
METHOD = "/protopact.example.users.v1.CurrentUserService/GetCurrentUser"
REST_PATH = "/v1/users/me"


def _classes():  # type: ignore[no-untyped-def]
    pool = load_input("proto", cwd=REPO, cache=Cache(None)).image.pool
    return [message_factory.GetMessageClass(
        pool.FindMessageTypeByName(f"protopact.example.users.v1.{n}"))
        for n in ("GetCurrentUserRequest", "GetCurrentUserResponse")]


async def _timed(call, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(count):
        start = time.perf_counter()
        await call()
        out.append(time.perf_counter() - start)
    return out


async def _throughput(make_call, clients: int, seconds: float) -> float:  # type: ignore[no-untyped-def]
    """``make_call()`` gives each concurrent client its own call (and connection, if it has one)."""
    stop = time.perf_counter() + seconds
    done = 0

    async def worker() -> None:
        nonlocal done
        call = await make_call()
        while time.perf_counter() < stop:
            await call()
            done += 1

    await asyncio.gather(*(worker() for _ in range(clients)))
    return done / seconds


class KeepAliveClient:
    """GET over one persistent HTTP/1.1 connection; just enough HTTP for the gateway's answers."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.head = "".join(f"{k}: {v}\r\n" for k, v in {"host": "bench", **headers}.items())

    async def connect(self) -> KeepAliveClient:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self

    async def get(self, path: str) -> None:
        self.writer.write(f"GET {path} HTTP/1.1\r\n{self.head}\r\n".encode())
        status, *lines = (await self.reader.readuntil(b"\r\n\r\n")).decode().split("\r\n")
        if not status.split()[1].startswith("2"):
            raise RuntimeError(f"gateway answered {status}")
        length = next(int(line.split(":")[1]) for line in lines
                      if line.lower().startswith("content-length:"))
        await self.reader.readexactly(length)


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median_ms": statistics.median(ordered) * 1000,
            "p95_ms": ordered[int(len(ordered) * 0.95)] * 1000}


async def measure(calls: int, seconds: float, rest_port: int) -> dict:
    request, response = _classes()
    server = subprocess.Popen(
        [sys.executable, "-m", "protopact", "mock", "proto", "--port", "0", "--no-rest",
         "--token", TOKEN],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
    gateway = None
    try:
        # The first line reads "gRPC on 127.0.0.1:PORT: services...".
        grpc_port = int(server.stdout.readline().split(":")[1])  # type: ignore[union-attr]
        gateway = subprocess.Popen(
            [sys.executable, "-m", "protopact", "gateway", "proto", "--upstream",
             f"127.0.0.1:{grpc_port}", "--port", str(rest_port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
        headers = {"authorization": f"Bearer {TOKEN}"}
        async with grpc.aio.insecure_channel(f"127.0.0.1:{grpc_port}") as channel, \
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{rest_port}", headers=headers,
                                  limits=httpx.Limits(max_connections=64)) as http:
            unary = channel.unary_unary(METHOD, request_serializer=request.SerializeToString,
                                        response_deserializer=response.FromString)

            async def direct() -> None:
                await unary(request(), metadata=list(headers.items()))

            async def rest_httpx() -> None:
                answer = await http.get(REST_PATH)
                answer.raise_for_status()

            for _ in range(50):  # wait for the REST side and warm both paths up
                try:
                    await rest_httpx()
                    break
                except httpx.HTTPError:
                    await asyncio.sleep(0.1)

            async def rest_client():  # type: ignore[no-untyped-def]
                client = await KeepAliveClient(rest_port, headers).connect()
                return lambda: client.get(REST_PATH)

            async def direct_client():  # type: ignore[no-untyped-def]
                return direct

            rest = await rest_client()
            await _timed(direct, 20)
            await _timed(rest, 20)
            direct_s, rest_s, httpx_s = [], [], []
            for _ in range(5):  # alternate in rounds so load drifts hit both alike
                direct_s += await _timed(direct, calls // 5)
                rest_s += await _timed(rest, calls // 5)
                httpx_s += await _timed(rest_httpx, calls // 5)
            result: dict = {"direct_grpc": _summary(direct_s), "rest_via_gateway": _summary(rest_s),
                            "rest_via_gateway_httpx_client": _summary(httpx_s)}
            result["median_ratio"] = (result["rest_via_gateway"]["median_ms"]
                                      / result["direct_grpc"]["median_ms"])
            result["throughput_per_s"] = {
                str(clients): {"direct_grpc": await _throughput(direct_client, clients, seconds),
                               "rest_via_gateway": await _throughput(rest_client, clients, seconds)}
                for clients in (1, 16, 64)}
            return result
    finally:
        for process in (gateway, server):
            if process is not None:
                process.terminate()
                process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5, help="per throughput measurement")
    parser.add_argument("--rest-port", type=int, default=18480)
    args = parser.parse_args()
    result = asyncio.run(measure(args.calls, args.seconds, args.rest_port))
    (Path(__file__).parent / "gateway.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
