-- NOTIFY takes one database-wide lock from a transaction's commit until it is durable, so every transaction
-- that wrote an event committed one at a time: no group commit. Measured on the booking transaction with
-- pgbench: 628 tps with the trigger, 1,344 without. Relays now poll, and writers in the same process wake
-- theirs directly (nara.shared.outbox.writer.wake_local_relays).
DROP TRIGGER outbox_notify ON outbox;
DROP FUNCTION outbox_notify();
