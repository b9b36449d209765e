-- Event ids a consumer has applied, recorded in the same transaction as the state they changed,
-- so a redelivered event changes nothing.
CREATE TABLE consumed_events (
    consumer     text        NOT NULL,
    event_id     text        NOT NULL,
    topic        text        NOT NULL,
    partition    integer     NOT NULL,
    "offset"     bigint      NOT NULL,
    consumed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
