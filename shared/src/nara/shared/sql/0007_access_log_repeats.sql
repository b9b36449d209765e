-- A list a page refreshes is shown to the same staff member again and again: each showing is a read, and is
-- counted on the row that logged the first one in its window (repeats, and when the latest was), rather than
-- written as a row of its own every few seconds.
ALTER TABLE access_log ADD COLUMN repeats integer NOT NULL DEFAULT 0;
ALTER TABLE access_log ADD COLUMN last_read_at timestamptz;
