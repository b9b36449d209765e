"""Which of Kafka's refusals park an event for good, and which leave it for the relay to send again."""

import aiokafka.errors
import pytest

from nara.shared.outbox.parking import refusal_reason


@pytest.mark.parametrize(
    "error, reason",
    [
        ("MessageSizeTooLargeError", "too_large"),
        ("RecordTooLargeError", "too_large"),
        ("CorruptRecordException", "invalid_record"),
        ("InvalidTopicError", "invalid_topic"),
        ("KafkaTimeoutError", None),
        ("KafkaConnectionError", None),
        ("BrokerNotAvailableError", None),
        ("NotLeaderForPartitionError", None),
        ("TopicAuthorizationFailedError", None),
        ("OutOfOrderSequenceNumber", None),
        ("ProducerClosed", None),
    ],
)
def test_only_a_refusal_of_the_event_itself_parks_it(error, reason):
    assert refusal_reason(getattr(aiokafka.errors, error)()) == reason
