-- The guarantee-aware waitlist (issue 18): one entry per contact, what suits the patient, how they are reached,
-- and how the entry ended. The deadlines are not copied here: they are read from `contacts` (the shared care
-- guarantee policy computed them), so a retriage or a late event never leaves a stale deadline behind.

CREATE TABLE waitlist_entries (
    id              uuid PRIMARY KEY,         -- what an offer points at
    contact_id      text NOT NULL,
    patient         text NOT NULL,            -- pseudonym
    units           text[] NOT NULL DEFAULT '{}',
    weekdays        smallint[] NOT NULL DEFAULT '{}',   -- 0 Monday .. 6 Sunday, on Stockholm's calendar
    day_parts       text[] NOT NULL DEFAULT '{}',       -- morning, afternoon, evening (domain/day_parts.py)
    contact_forms   text[] NOT NULL DEFAULT '{}',
    -- How the patient hears of an offer. The number or address is contact data: it never goes into an event or
    -- a log line, and it is forgotten when the entry ends.
    reach_by        text NOT NULL DEFAULT 'none' CHECK (reach_by IN ('sms', 'email', 'none')),
    reach_at        text CHECK (length(reach_at) <= 254),
    joined_by       text CHECK (joined_by IN ('patient', 'staff')),
    joined_by_id    text,                     -- the patient's pseudonym or the staff HSA-id
    joined_at       timestamptz,              -- when they first asked: the last tie-break; joining again keeps it
    updated_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    end_reason      text CHECK (end_reason IN ('assessed', 'closed', 'booked', 'left')),
    ended_by_id     text,
    CHECK ((ended_at IS NULL) = (end_reason IS NULL)),
    CHECK ((reach_by = 'none') = (reach_at IS NULL)),
    -- An entry is waiting only with something to match; an assessed contact's entry may be only its end (the
    -- assessment arrived first), so that a later join is refused.
    CHECK (ended_at IS NOT NULL OR (cardinality(units) > 0 AND cardinality(weekdays) > 0
        AND cardinality(day_parts) > 0 AND cardinality(contact_forms) > 0 AND joined_at IS NOT NULL))
);

-- One entry per contact, whatever its state: two joins at once meet here, and the second updates the first.
CREATE UNIQUE INDEX waitlist_one_entry_per_contact ON waitlist_entries (contact_id);
-- A citizen's own entries ("Mina tider").
CREATE INDEX waitlist_patient ON waitlist_entries (patient) WHERE ended_at IS NULL;
-- The candidates for a time freed at one unit: the waiting entries that accept that unit (units @> ARRAY[unit]).
-- GIN indexes the array's elements, so the lookup reads only that unit's waiting entries, not every unit's; the
-- partial WHERE keeps ended entries (most of them, over time) out of the index.
CREATE INDEX waitlist_waiting_by_unit ON waitlist_entries USING gin (units) WHERE ended_at IS NULL;
-- Whether a waiting contact has a booked time (inside the deadline: on track; a chosen later one: patientvald
-- väntan) is asked per candidate: appointments had no index by contact.
CREATE INDEX appointments_booked_by_contact ON appointments (contact_id) WHERE status = 'booked';
