-- Reminders before booked times, and the job that sends every message of the outbox (issue 18).

-- How many hours before a time of this type a reminder goes: none to three, each 1 to 168 (a week).
ALTER TABLE time_types
    ADD COLUMN reminder_hours smallint[] NOT NULL DEFAULT '{24,2}'
        CHECK (cardinality(reminder_hours) <= 3 AND 1 <= ALL (reminder_hours) AND 168 >= ALL (reminder_hours));

-- The patient's choice of reminders: SMS, e-mail or none (none until they choose). A guardian chooses for their
-- child. The number or address is contact data: never in an event or a log line.
CREATE TABLE reminder_preferences (
    patient     text PRIMARY KEY,             -- pseudonym
    reach_by    text NOT NULL CHECK (reach_by IN ('sms', 'email', 'none')),
    reach_at    text CHECK (length(reach_at) <= 254),
    updated_at  timestamptz NOT NULL,
    updated_by  text NOT NULL,                -- the pseudonym of who chose: the patient or their guardian
    CHECK ((reach_by = 'none') = (reach_at IS NULL))
);

-- Each reminder moment of a booked time is handled once: a message left, no choice made, or a later reminder came
-- due first (the job was away). The key keeps a moment from being looked at again, whatever the instances.
CREATE TABLE reminder_moments (
    appointment_id  uuid NOT NULL REFERENCES appointments (id),
    hours           smallint NOT NULL CHECK (hours BETWEEN 1 AND 168),
    handled_at      timestamptz NOT NULL,
    outcome         text NOT NULL CHECK (outcome IN ('left', 'no_choice', 'superseded')),
    PRIMARY KEY (appointment_id, hours)
);
-- Forgotten two weeks on (app.py): by then the time has begun, and its moments are never asked about again.
CREATE INDEX reminder_moments_handled_at ON reminder_moments (handled_at);

-- The reminder pass reads the booked times starting within the coming week.
CREATE INDEX slots_by_start ON slots (start_at);

-- A send in flight: the job claims a message until then. A claim that runs out without an answer means the
-- sender stopped mid-send: the outcome is unknown, and the message is not sent blindly again.
ALTER TABLE outgoing_messages ADD COLUMN claimed_until timestamptz;
