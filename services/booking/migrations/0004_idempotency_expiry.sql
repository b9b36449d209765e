-- Idempotency records are kept for a while (BOOKING_IDEMPOTENCY_RETENTION_HOURS), then forgotten in batches by age.
CREATE INDEX idempotent_requests_created ON idempotent_requests (created_at);
