-- Messages to patients (issue 18): waitlist offers and reminders. A use case writes a message here in its own
-- transaction, under a key that names it for good ("offer-<id>", "reminder-<appointment>-24h"); a job sends the
-- due ones. The primary key makes each message exist once, whatever the retries, instances and restarts.

CREATE TABLE outgoing_messages (
    key             text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
    purpose         text NOT NULL CHECK (purpose IN ('offer', 'reminder')),
    patient         text NOT NULL,            -- pseudonym: whose message (never shown in a log)
    channel         text NOT NULL CHECK (channel IN ('sms', 'email')),
    -- Contact data: the number or address. Never in an event or a log line; blanked once the message is done.
    recipient       text CHECK (length(recipient) <= 254),
    subject         text NOT NULL DEFAULT '',
    body            text NOT NULL,
    due_at          timestamptz NOT NULL,     -- not sent before this time (a reminder's 24 h before)
    created_at      timestamptz NOT NULL,
    state           text NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sent', 'failed', 'cancelled', 'unknown')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,              -- a retryable failure waits until then
    done_at         timestamptz,              -- sent, failed for good, cancelled, or outcome unknown
    last_error      text,                     -- the adapter's reason, never the message's content
    CHECK ((state = 'pending') = (done_at IS NULL)),
    CHECK (state <> 'pending' OR recipient IS NOT NULL)
);

-- The job's one question: which pending messages are due now, oldest first.
CREATE INDEX outgoing_messages_due ON outgoing_messages (due_at) WHERE state = 'pending';
