-- The time of the latest event applied, so the operations page links the trace of the latest event
-- even when an older one is read later (the two topics are read independently).
ALTER TABLE clocks ADD COLUMN last_event_at timestamptz;
