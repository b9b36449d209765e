-- Outbox events Kafka refused for good (too large, invalid), moved here by the relay so the events after them
-- still go out. A row waits for an operator to fix and re-send it or to discard it (deploy/RUNBOOK.md,
-- NaraOutboxParked). `value` is the CloudEvent as it was written and may hold patient data: this table is
-- the outbox's own, in the same database with the same access, and nothing of it is logged.
CREATE TABLE outbox_parked (
    id           bigint      PRIMARY KEY,        -- the outbox row's own id
    event_id     text        NOT NULL UNIQUE,
    topic        text        NOT NULL,
    message_key  text        NOT NULL,           -- the patient pseudonym
    shard        smallint    NOT NULL,
    event_type   text,                           -- the CloudEvent's type, when the value could be read
    value        bytea       NOT NULL,
    headers      jsonb       NOT NULL,
    size         integer     NOT NULL,           -- bytes of the value
    reason       text        NOT NULL,           -- too_large, invalid_record, invalid_topic, invalid_timestamp
    detail       text        NOT NULL,           -- the client's or the broker's error, never the value
    created_at   timestamptz NOT NULL,           -- when the event was written
    parked_at    timestamptz NOT NULL DEFAULT now()
);
