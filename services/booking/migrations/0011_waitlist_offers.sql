-- Waitlist offers (issue 18, "an offer is a hold"): times that came free wait in a small queue until the offer job
-- has looked at them; an offer holds one freed time for one waiting entry until it is accepted, declined, lapses
-- or is withdrawn.

-- How long a unit holds a freed time for the patient it is offered to (set in the unit setup).
ALTER TABLE care_units ADD COLUMN offer_minutes integer NOT NULL DEFAULT 15 CHECK (offer_minutes BETWEEN 5 AND 1440);

-- Times that came free (a cancellation, a rebooking's old seat, an unblocked or added slot, an offer that passed
-- on): one row per slot until the job has looked at it. Written in the freeing use case's own transaction.
CREATE TABLE freed_slots (
    slot_id   uuid PRIMARY KEY REFERENCES slots (id),
    freed_at  timestamptz NOT NULL
);

CREATE TABLE waitlist_offers (
    id              uuid PRIMARY KEY,
    token_sha256    bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),  -- the link's token is never stored
    slot_id         uuid NOT NULL REFERENCES slots (id),
    entry_id        uuid NOT NULL REFERENCES waitlist_entries (id),
    contact_id      text NOT NULL,
    patient         text NOT NULL,            -- pseudonym
    unit            text NOT NULL REFERENCES care_units (hsa_id),
    hold_id         uuid NOT NULL,            -- the hold that keeps the seat (gone once it lapses or is taken)
    state           text NOT NULL DEFAULT 'open'
        CHECK (state IN ('open', 'accepted', 'declined', 'lapsed', 'withdrawn')),
    offered_at      timestamptz NOT NULL,
    hold_until      timestamptz NOT NULL CHECK (hold_until > offered_at),
    decided_at      timestamptz,
    appointment_id  uuid REFERENCES appointments (id),
    CHECK ((state = 'open') = (decided_at IS NULL)),
    CHECK ((state = 'accepted') = (appointment_id IS NOT NULL))
);

-- One seat of a slot is offered to one entry at a time, and an entry has one open offer at a time: two job
-- instances that pick the same slot or the same entry meet here, and the second rolls back.
CREATE UNIQUE INDEX waitlist_offers_one_open_per_slot ON waitlist_offers (slot_id) WHERE state = 'open';
CREATE UNIQUE INDEX waitlist_offers_one_open_per_entry ON waitlist_offers (entry_id) WHERE state = 'open';
-- A slot is offered to an entry once: one who declined or let it lapse is not asked again. Entry first, so the
-- job's "was this entry asked?" reads the index by entry.
CREATE UNIQUE INDEX waitlist_offers_once_per_entry_and_slot ON waitlist_offers (entry_id, slot_id);
-- The job's lapse question, and a contact's offers (newest first) for the API.
CREATE INDEX waitlist_offers_open_until ON waitlist_offers (hold_until) WHERE state = 'open';
CREATE INDEX waitlist_offers_contact ON waitlist_offers (contact_id, offered_at DESC);

-- A hold that keeps an offered seat is not dropped when the patient holds another time on the web meanwhile.
ALTER TABLE holds ADD COLUMN offer_id uuid;
