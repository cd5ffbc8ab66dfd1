"""A client of the generated packages: must pass ``mypy --strict`` and run against a real server.

Run in a fresh virtual environment where the generated ``protopact-example-api`` and ``shop-api``
wheels are installed. It serves SubscriptionEventService and SmsService on a local port, consumes an
event stream with ``EventStream`` (a failing handler, a dropped stream, the in-flight limit) and
prints ``ok`` when every check holds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent import futures

import grpc
from protopact_example_api.event_stream import Backoff, EventStream
from protopact_example_api.protopact.example.events.v1 import (
    subscription_events_pb2 as events,
)
from protopact_example_api.protopact.example.events.v1 import (
    subscription_events_pb2_grpc as events_grpc,
)
from protopact_example_api.protopact.example.sms.v1 import sms_pb2, sms_pb2_grpc
from protopact_example_api.protopact.example.webhooks.v1 import webhooks_pb2
from protopact_example_api.protopact.v1 import events_pb2, update_pb2, values_pb2
from shop_api.shop.v1 import shop_pb2

EVENTS = 12
MAX_IN_FLIGHT = 3
FAILING_EVENT = "event-4"  # its handler raises: never acknowledged
DROP_AFTER = 5  # the first stream fails with UNAVAILABLE after this many events


class Events(events_grpc.SubscriptionEventServiceServicer):
    def __init__(self) -> None:
        self.acked: list[str] = []
        self.opened = 0
        self.lock = threading.Lock()

    def StreamCountryChangeEvents(
        self, request: events.StreamCountryChangeEventsRequest, context: grpc.ServicerContext
    ) -> Iterator[events.StreamCountryChangeEventsResponse]:
        assert request.stream_configuration.max_in_flight == MAX_IN_FLIGHT
        with self.lock:
            self.opened += 1
            first = self.opened == 1
        start = 0 if first else DROP_AFTER
        for index in range(start, EVENTS):
            if first and index == DROP_AFTER:
                context.abort(grpc.StatusCode.UNAVAILABLE, "server restarting")
            yield events.StreamCountryChangeEventsResponse(
                metadata=events_pb2.EventMetadata(ack_id=f"ack-{index}", event_id=f"event-{index}"),
                country_change_event=events.CountryChangeEvent(
                    current=values_pb2.Country(code="NO", name="Norway")),
            )
        while context.is_active():  # an open stream with nothing more to deliver
            time.sleep(0.01)

    def AckCountryChangeEvent(
        self, request: events.AckCountryChangeEventRequest, context: grpc.ServicerContext
    ) -> events.AckCountryChangeEventResponse:
        with self.lock:
            self.acked.append(request.ack.ack_id)
        return events.AckCountryChangeEventResponse(ack=events_pb2.AckResponse(ack_id=request.ack.ack_id))


class Sms(sms_pb2_grpc.SmsServiceServicer):
    def SendTextToSubscriber(
        self, request: sms_pb2.SendTextToSubscriberRequest, context: grpc.ServicerContext
    ) -> sms_pb2.SendTextToSubscriberResponse:
        accepted = request.WhichOneof("sender") == "from_sender_id"
        status = sms_pb2.SEND_STATUS_ACCEPTED if accepted else sms_pb2.SEND_STATUS_REJECTED
        return sms_pb2.SendTextToSubscriberResponse(message_id="m-1", status=status)


def check_messages() -> None:
    update = webhooks_pb2.UpdateWebhookRequest(
        id=7,
        active=update_pb2.UpdateBoolean(updated=True, value=False),
        description=update_pb2.UpdateClearableString(updated=True, value=""),
        retry_limit=update_pb2.UpdateZeroableInt(updated=True, value=0),
        content_type=webhooks_pb2.WebhookContentType.Value("WEBHOOK_CONTENT_TYPE_DEFAULT"),
    )
    again = webhooks_pb2.UpdateWebhookRequest.FromString(update.SerializeToString())
    assert again.HasField("active") and again.active.updated and not again.active.value
    status: sms_pb2.SendStatus.ValueType = sms_pb2.SEND_STATUS_THROTTLED
    assert sms_pb2.SendStatus.Name(status) == "SEND_STATUS_THROTTLED"
    article = shop_pb2.Article(id="a-1", stock={"oslo": 3}, cents=1999, state=shop_pb2.STATE_ACTIVE)
    article.stock["bergen"] = 2
    total: int = sum(article.stock.values())
    assert total == 5 and article.WhichOneof("price") == "cents"
    article.quote = "on request"
    assert article.WhichOneof("price") == "quote" and not article.HasField("cents")


def main() -> None:
    check_messages()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    servicer = Events()
    events_grpc.add_SubscriptionEventServiceServicer_to_server(servicer, server)
    sms_pb2_grpc.add_SmsServiceServicer_to_server(Sms(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            run_clients(channel, servicer)
    finally:
        server.stop(None)
    print("ok")


def run_clients(channel: grpc.Channel, servicer: Events) -> None:
    sms = sms_pb2_grpc.SmsServiceStub(channel)
    reply = sms.SendTextToSubscriber(sms_pb2.SendTextToSubscriberRequest(
        from_sender_id="Operator", to_subscriber=values_pb2.PhoneNumber(e164="+4799990000")))
    assert reply.status == sms_pb2.SEND_STATUS_ACCEPTED, reply

    stub = events_grpc.SubscriptionEventServiceStub(channel)
    handled: list[str] = []
    active = 0
    peak = 0
    lock = threading.Lock()
    sleeps: list[float] = []

    def handle(event: events.StreamCountryChangeEventsResponse) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.02)
        with lock:
            active -= 1
            handled.append(event.metadata.event_id)
            done = len(handled) == EVENTS
        if event.metadata.event_id == FAILING_EVENT:
            raise RuntimeError("handler failed")
        if done:
            stream.stop()

    def ack(ack_id: str) -> events.AckCountryChangeEventResponse:
        request = events.AckCountryChangeEventRequest(ack=events_pb2.AckRequest(ack_id=ack_id))
        return stub.AckCountryChangeEvent(request)

    stream: EventStream[events.StreamCountryChangeEventsResponse] = EventStream(
        open=lambda config: stub.StreamCountryChangeEvents(
            events.StreamCountryChangeEventsRequest(stream_configuration=config)),
        ack=ack,
        configuration=events_pb2.StreamConfiguration(max_in_flight=MAX_IN_FLIGHT),
        backoff=Backoff(initial=0.01, maximum=0.05),
        sleep=sleeps.append,
        on_error=lambda event, error: None,
    )
    stream.run(handle)
    expected_acks = {f"ack-{i}" for i in range(EVENTS)} - {"ack-4"}
    assert set(servicer.acked) == expected_acks, sorted(servicer.acked)
    assert peak <= MAX_IN_FLIGHT, peak
    assert peak > 1, "handlers never ran concurrently"
    assert stream.reconnects == 1 and servicer.opened == 2, (stream.reconnects, servicer.opened)
    assert len(sleeps) == 1 and 0.008 <= sleeps[0] <= 0.01, sleeps  # first delay, with jitter


if __name__ == "__main__":
    main()
