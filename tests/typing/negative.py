"""Code that the generated stubs must reject; ``negative.expected`` lists mypy's errors, line by line."""

from protopact_example_api.event_stream import EventStream
from protopact_example_api.protopact.example.sms.v1 import sms_pb2
from protopact_example_api.protopact.v1 import update_pb2, values_pb2
from shop_api.shop.v1 import shop_pb2

update_pb2.UpdateBoolean(updated="yes")
values_pb2.PhoneNumber(e164="+4799990000", number="1")
status: sms_pb2.SendStatus.ValueType = shop_pb2.STATE_ACTIVE
article = shop_pb2.Article(stock={"oslo": "three"})
article.WhichOneof("colour")
EventStream(open=lambda config: [values_pb2.Country()], ack=print)
