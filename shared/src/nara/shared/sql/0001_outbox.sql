-- Events waiting to be published to Kafka, written in the same transaction as the state they announce.
CREATE TABLE outbox (
    id            bigserial PRIMARY KEY,
    event_id      text        NOT NULL UNIQUE,
    topic         text        NOT NULL,
    message_key   text        NOT NULL,          -- the patient pseudonym: one patient's events stay in order
    shard         smallint    NOT NULL,          -- a hash of the key: a relay owns whole shards, so order holds
    value         bytea       NOT NULL,          -- the CloudEvent, exactly as it goes on the wire
    headers       jsonb       NOT NULL DEFAULT '{}'::jsonb,  -- Kafka headers, with the writer's traceparent
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz
);

CREATE INDEX outbox_pending ON outbox (shard, id) WHERE published_at IS NULL;
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Wake relays at commit time instead of making them poll hard.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
