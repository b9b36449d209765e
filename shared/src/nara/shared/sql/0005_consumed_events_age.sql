-- Consumed event ids are kept for SERVICE_CONSUMED_EVENTS_RETENTION_HOURS (a week by default), then forgotten by
-- age: redelivery comes within minutes, and every consumer applies an event a second time without change.
CREATE INDEX consumed_events_age ON consumed_events (consumed_at);
