import asyncio

from faststream.kafka import KafkaBroker
from pydantic import BaseModel


class Greeting(BaseModel):
    contact_id: str
    text: str


async def test_an_event_published_through_faststream_is_consumed_back_from_real_kafka(kafka_bootstrap, unique_topic):
    received: asyncio.Queue[Greeting] = asyncio.Queue()
    broker = KafkaBroker(kafka_bootstrap)

    @broker.subscriber(unique_topic, group_id=f"{unique_topic}-group", auto_offset_reset="earliest")
    async def on_greeting(greeting: Greeting) -> None:
        await received.put(greeting)

    async with broker:
        await broker.start()
        await broker.publish(Greeting(contact_id="c-1", text="hej"), topic=unique_topic, key=b"patient-1")
        got = await asyncio.wait_for(received.get(), timeout=60)

    assert got == Greeting(contact_id="c-1", text="hej")
