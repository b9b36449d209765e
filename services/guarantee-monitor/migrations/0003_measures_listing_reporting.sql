-- Issue 12: every contact on the clock. Where the patient is listed (an unknown listing is covered and
-- flagged), the region's limit as a second measure beside the national one, the booked time the console shows,
-- the coarse fields the national report groups by, the "0" of 0-3-90-90 for phone contacts, and a change
-- counter for the live /ops page.

ALTER TABLE clocks
    ADD COLUMN listing           text CHECK (listing IN ('here', 'elsewhere', 'unknown')),
    ADD COLUMN sex               text,
    ADD COLUMN age_group         text,
    ADD COLUMN registered_at     timestamptz,
    ADD COLUMN contact_same_day  boolean,     -- phone contacts only: contact the same local day as sought
    ADD COLUMN regional_days     integer,     -- the region's limit for the triaged profession, if it has one
    ADD COLUMN regional_deadline timestamptz,
    ADD COLUMN regional_status   text CHECK (regional_status IN ('on_track', 'at_risk', 'breached', 'assessed',
                                                                'not_covered', 'patient_chosen_wait')),
    ADD COLUMN regional_reason   text,
    ADD COLUMN booking_id        text,        -- the booked time the clock counts (the earliest active one)
    ADD COLUMN booking_start     timestamptz,
    ADD COLUMN booking_end       timestamptz,
    ADD COLUMN closed_at         timestamptz,
    ADD COLUMN change            bigint;      -- from clock_changes, on every write: what /ops refreshes on

CREATE SEQUENCE clock_changes;
CREATE INDEX clocks_unit_change ON clocks (unit, change);
CREATE INDEX clocks_regional_status ON clocks (regional_status, unit) WHERE regional_status IS NOT NULL;
CREATE INDEX clocks_listing_unknown ON clocks (unit) WHERE listing = 'unknown';

-- Clocks stored under the old rules (a null listed unit was not covered; a regional limit replaced the
-- national one) are looked at again by the scheduler at once, which stores them under the new rules.
UPDATE clocks SET next_alert_at = '-infinity';
