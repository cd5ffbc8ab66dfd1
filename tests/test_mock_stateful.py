"""The stateful mock on an API that names every convention its own way (``tests/fixtures/stateful``):
AIP-style vehicles (resource names under a parent, a FieldMask, OUTPUT_ONLY fields, its own cursor
``Bookmark``) and per-resource mechanics (``MechanicService.Create``, integer ids, its own ``Window``
pages and ``SetText``/``SetFlag`` Update wrappers), over gRPC and over REST.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import grpc
import httpx
import pytest

from protopact.compile.cache import Cache
from protopact.compile.image import Image
from protopact.compile.inputs import load_input
from protopact.mock.server import MockSettings, serve

from .conftest import REPO
from .mock_harness import TOKEN, Client, running, scenario

VEHICLES = "/garage.v3.VehicleService/"
MECHANICS = "/garage.v3.MechanicService/"


@pytest.fixture(scope="module")
def garage() -> Image:
    root = REPO / "tests" / "fixtures" / "stateful"
    return load_input(".", cwd=root, cache=Cache(None)).image


async def _refused(call: Any) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await call
    return refused.value.code()


async def _walk(client: Client, path: str, request: Any, page: Any) -> list[Any]:
    """Every item of a list, following its ``next`` links from ``request``."""
    seen = []
    while True:
        answer = await client.call(path, request)
        items, following = page(answer)
        seen += items
        if not following:
            return seen
        request = following


@scenario
async def test_aip_resources_are_created_read_updated_listed_and_deleted(garage: Image) -> None:
    async with running(garage) as (client, _, _):
        create = VEHICLES + "CreateVehicle"
        van = await client.call(create, client.request(create, parent="depots/north", vehicle={
            "name": "ignored", "plate": "EL 12345", "mileage": 10, "uid": "client-made"}))
        assert van.name.startswith("depots/north/vehicles/") and van.plate == "EL 12345"
        assert van.uid and van.uid != "client-made" and van.HasField("registered_at")  # OUTPUT_ONLY
        chosen = client.request(create, parent="depots/north", vehicle_id="the-van",
                                vehicle={"plate": "EL 1"})
        assert (await client.call(create, chosen)).name == "depots/north/vehicles/the-van"
        assert await _refused(client.call(create, chosen)) == grpc.StatusCode.ALREADY_EXISTS

        get = VEHICLES + "GetVehicle"
        assert await client.call(get, client.request(get, name=van.name)) == van

        update = VEHICLES + "UpdateVehicle"
        masked = await client.call(update, client.request(update, vehicle={
            "name": van.name, "plate": "not masked", "mileage": 99, "uid": "x"},
            update_mask={"paths": ["mileage", "uid"]}))
        assert (masked.plate, masked.mileage, masked.uid) == ("EL 12345", 99, van.uid)
        unmasked = await client.call(update, client.request(update, vehicle={
            "name": van.name, "labels": ["fleet"]}))  # no mask: what the body sets
        assert (unmasked.mileage, list(unmasked.labels)) == (99, ["fleet"])
        assert await client.call(get, client.request(get, name=van.name)) == unmasked
        assert await _refused(client.call(update, client.request(update, vehicle={
            "name": van.name}, update_mask={"paths": ["colour"]}))) == \
            grpc.StatusCode.INVALID_ARGUMENT

        listing = VEHICLES + "ListVehicles"

        def page(answer: Any) -> tuple[list[Any], Any]:
            following = answer.continuation.next_cursor
            return list(answer.vehicles), following and client.request(
                listing, parent="depots/north", bookmark={"after": following, "max_results": 1})
        listed = await _walk(client, listing, client.request(
            listing, parent="depots/north", bookmark={"max_results": 1}), page)
        assert [v.name for v in listed] == [van.name, "depots/north/vehicles/the-van"]

        delete = VEHICLES + "DeleteVehicle"
        await client.call(delete, client.request(delete, name=van.name))
        for path in (get, delete):
            assert await _refused(client.call(path, client.request(path, name=van.name))) == \
                grpc.StatusCode.NOT_FOUND


@scenario
async def test_update_wrappers_and_numbered_pages_over_the_seeded_store(garage: Image) -> None:
    listing = MECHANICS + "List"

    def page(answer: Any) -> tuple[list[Any], Any]:
        span = answer.span
        return list(answer.mechanics), span.HasField("next") and client.request(
            listing, window=span.next)

    async with running(garage, seed=7) as (client, _, _):
        seeded = await _walk(client, listing, client.request(listing, window={"per_page": 40}), page)
        assert [m.id for m in seeded] == list(range(1, len(seeded) + 1)) and len(seeded) > 40
        create = MECHANICS + "Create"
        hired = await client.call(create, client.request(create, display_name="Ada"))
        # the fields a create request does not carry are the server's to fill
        assert (hired.id, hired.display_name, hired.certified) == (len(seeded) + 1, "Ada", False)
        assert hired.workshop

        update, get = MECHANICS + "Update", MECHANICS + "Get"
        changed = await client.call(update, client.request(
            update, id=hired.id, display_name={"present": False, "value": "ignored"},
            certified={"present": True, "value": True}))
        assert (changed.display_name, changed.certified) == ("Ada", True)
        cleared = await client.call(update, client.request(
            update, id=hired.id, display_name={"present": True}))  # set to the empty string
        assert (cleared.display_name, cleared.certified) == ("", True)
        assert await client.call(get, client.request(get, id=hired.id)) == cleared
        after = await _walk(client, listing, client.request(listing), page)
        assert after[-1] == cleared and len(after) == len(seeded) + 1

        delete = MECHANICS + "Delete"
        await client.call(delete, client.request(delete, id=hired.id))
        for path in (get, update, delete):
            assert await _refused(client.call(path, client.request(path, id=hired.id))) == \
                grpc.StatusCode.NOT_FOUND
    async with running(garage, seed=7) as (again, _, _):
        assert await _walk(again, listing, again.request(listing, window={"per_page": 40}),
                           page) == seeded  # same seed, same data
    async with running(garage, seed=7, stateful=False) as (stateless, _, _):
        answer = await stateless.call(MECHANICS + "Get", stateless.request(MECHANICS + "Get", id=-5))
        assert answer.display_name  # an example, whatever the id


@contextlib.asynccontextmanager
async def _rest(image: Image) -> AsyncIterator[httpx.AsyncClient]:
    banner: list[str] = []
    serving = asyncio.create_task(serve(image, MockSettings(token=TOKEN), host="127.0.0.1",
                                        port=0, rest_port=0, announce=banner.append))
    try:
        while not any(line.startswith("auth:") for line in banner):
            await asyncio.sleep(0.01)
        base = next(line for line in banner if line.startswith("REST on ")).split()[-1]
        async with httpx.AsyncClient(base_url=base,
                                     headers={"authorization": f"Bearer {TOKEN}"}) as http:
            yield http
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving


@scenario
async def test_rest_creates_gets_updates_lists_and_deletes(garage: Image) -> None:
    async with _rest(garage) as http:
        created = await http.post("/v3/depots/south/vehicles?vehicleId=bus",
                                  json={"plate": "AB 1", "mileage": 5})
        assert created.status_code == 201 and created.json()["name"] == "depots/south/vehicles/bus"
        path = "/v3/depots/south/vehicles/bus"
        assert (await http.get(path)).json() == created.json()
        patched = await http.patch(path + "?updateMask=plate", json={"plate": "AB 2", "mileage": 9})
        assert (patched.json()["plate"], patched.json()["mileage"]) == ("AB 2", 5)
        first = await http.get("/v3/depots/south/vehicles?bookmark.maxResults=1")
        assert first.json()["vehicles"] == [patched.json()]
        assert (await http.delete(path)).status_code == 204
        missing = await http.get(path)
        assert missing.status_code == 404 and missing.json()["code"] == 5
        assert (await http.delete(path)).status_code == 404

        hired = await http.post("/v3/mechanics", json={"displayName": "Grace"})
        number = hired.json()["id"]
        changed = await http.patch(f"/v3/mechanics/{number}",
                                   json={"certified": {"present": True, "value": True}})
        assert changed.json()["certified"] is True and changed.json()["displayName"] == "Grace"
        page = (await http.get("/v3/mechanics?window.perPage=1000")).json()
        assert page["mechanics"][-1] == changed.json()
        assert page["span"]["totalCount"] == len(page["mechanics"])
        assert (await http.delete(f"/v3/mechanics/{number}")).status_code == 204
        assert (await http.get(f"/v3/mechanics/{number}")).status_code == 404
