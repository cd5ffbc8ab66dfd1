"""Validation overhead: the gateway's median unary latency with its ``buf.validate`` checks against
the same gateway with ``--no-validate``, both in front of one ``protopact mock`` (itself run with
``--no-validate``, so that only the gateway's checks differ). Target: at most 1.10.

The call is ``POST /v1/sms/text/to-subscriber`` with a valid body: a sender id (length and pattern
rules), a recipient (required, an E.164 pattern inside) and a text (length rules), so every rule is
evaluated and none fails. Both gateways run as their own processes and are measured in alternating
rounds over keep-alive connections (see :mod:`benchmarks.gateway`), so that load drifts on a shared
machine hit both alike. Results go to ``benchmarks/validation.json`` and one line of
``benchmarks/results.md`` (after the corpus benchmark has written it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
from pathlib import Path

from gateway import REPO, TOKEN, KeepAliveClient, _summary, _timed

PATH = "/v1/sms/text/to-subscriber"
BODY = json.dumps({"fromSenderId": "Operator", "toSubscriber": {"e164": "+4799990000"},
                   "content": "Welcome to Sweden! Roaming prices apply."}).encode()
TARGET = 1.10
LEAD = "Gateway validation overhead (unary REST, buf.validate checks on vs off):"


class PostingClient(KeepAliveClient):
    async def post(self, path: str, body: bytes) -> None:
        self.writer.write(f"POST {path} HTTP/1.1\r\n{self.head}content-type: application/json\r\n"
                          f"content-length: {len(body)}\r\n\r\n".encode() + body)
        status, *lines = (await self.reader.readuntil(b"\r\n\r\n")).decode().split("\r\n")
        length = next(int(line.split(":")[1]) for line in lines
                      if line.lower().startswith("content-length:"))
        answer = await self.reader.readexactly(length)
        if not status.split()[1].startswith("2"):
            raise RuntimeError(f"gateway answered {status}: {answer.decode()}")


def _gateway(grpc_port: int, port: int, *flags: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "protopact", "gateway", "proto", "--upstream",
         f"127.0.0.1:{grpc_port}", "--port", str(port), *flags],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)


async def _connected(port: int) -> PostingClient:
    for _ in range(100):
        try:
            client = await PostingClient(port, {"authorization": f"Bearer {TOKEN}"}).connect()
            await client.post(PATH, BODY)
            return client
        except (OSError, asyncio.IncompleteReadError):
            await asyncio.sleep(0.1)
    raise RuntimeError(f"no gateway on port {port}")


async def measure(calls: int, port: int) -> dict:
    server = subprocess.Popen(
        [sys.executable, "-m", "protopact", "mock", "proto", "--port", "0", "--no-rest",
         "--no-validate", "--token", TOKEN],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
    gateways = []
    try:
        grpc_port = int(server.stdout.readline().split(":")[1])  # type: ignore[union-attr]
        gateways = [_gateway(grpc_port, port), _gateway(grpc_port, port + 1, "--no-validate")]
        checked, unchecked = await _connected(port), await _connected(port + 1)

        def checked_call():  # type: ignore[no-untyped-def]
            return checked.post(PATH, BODY)

        def unchecked_call():  # type: ignore[no-untyped-def]
            return unchecked.post(PATH, BODY)

        await _timed(checked_call, 50)
        await _timed(unchecked_call, 50)
        with_rules, without = [], []
        for _ in range(10):
            with_rules += await _timed(checked_call, calls // 10)
            without += await _timed(unchecked_call, calls // 10)
        result: dict = {"validate": _summary(with_rules), "no_validate": _summary(without)}
        result["median_ratio"] = result["validate"]["median_ms"] / result["no_validate"]["median_ms"]
        result["target"] = TARGET
        return result
    finally:
        for process in (*gateways, server):
            process.terminate()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--port", type=int, default=18490, help="and the next one")
    args = parser.parse_args()
    result = asyncio.run(measure(args.calls, args.port))
    here = Path(__file__).parent
    (here / "validation.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    _report(here / "results.md", result)
    if result["median_ratio"] > TARGET:
        sys.exit(f"validation adds {result['median_ratio'] - 1:.0%} to the median, over the "
                 f"{TARGET - 1:.0%} target")


def _report(results: Path, result: dict) -> None:
    """Replace the validation line of ``results`` (if any) with this run's."""
    line = (f"{LEAD} median {result['validate']['median_ms']:.2f} ms with the checks, "
            f"{result['no_validate']['median_ms']:.2f} ms with --no-validate: "
            f"{result['median_ratio']:.2f}× (target ≤ {TARGET:.2f}×).")
    kept = [kept for kept in (results.read_text().splitlines() if results.exists() else [])
            if not kept.startswith(LEAD)]
    while kept and not kept[-1]:
        kept.pop()
    results.write_text("\n".join([*kept, "", line, ""]))


if __name__ == "__main__":
    main()
