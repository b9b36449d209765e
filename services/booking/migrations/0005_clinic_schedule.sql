-- The clinic runs its own schedule (issue 15): who may book a time type, practitioners' and templates' validity,
-- closures and absences, and slots withdrawn by a change instead of deleted (a booking on one is never lost).

ALTER TABLE care_units
    ADD COLUMN phone text NOT NULL DEFAULT '';

ALTER TABLE practitioners
    ADD COLUMN active_from date,          -- NULL: since always
    ADD COLUMN active_to   date,          -- NULL: until further notice; inclusive
    ADD CONSTRAINT practitioners_active_order CHECK (active_to IS NULL OR active_from IS NULL OR active_to >= active_from);

-- Who may book a time type: anyone on the web, on the web only for a triaged contact allowed its profession,
-- or staff only. Replaces `visible` (true: web; false: triaged).
ALTER TABLE time_types
    ADD COLUMN unit text REFERENCES care_units (hsa_id),   -- NULL: the region's, shared by every unit
    ADD COLUMN booking_channel text NOT NULL DEFAULT 'web' CHECK (booking_channel IN ('web', 'triaged', 'staff')),
    ADD COLUMN medical_assessment boolean NOT NULL DEFAULT false;  -- a visit of this type is a medical assessment
UPDATE time_types SET booking_channel = CASE WHEN visible THEN 'web' ELSE 'triaged' END;
ALTER TABLE time_types DROP COLUMN visible;

ALTER TABLE weekly_templates
    ADD COLUMN valid_from date,           -- NULL: since always
    ADD COLUMN valid_to   date,           -- NULL: until further notice; inclusive
    ADD CONSTRAINT weekly_templates_valid_order CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from);

-- The unit closed (practitioner NULL), or one practitioner away, on whole days in Stockholm's calendar.
CREATE TABLE closures (
    id            uuid PRIMARY KEY,
    unit          text NOT NULL REFERENCES care_units (hsa_id),
    practitioner  text REFERENCES practitioners (hsa_id),
    first_day     date NOT NULL,
    last_day      date NOT NULL CHECK (last_day >= first_day),
    reason        text NOT NULL,
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX closures_unit ON closures (unit, last_day);

-- A slot the schedule no longer gives (a template changed, a closure, an absence) is withdrawn, never deleted:
-- no new booking or hold, and a booking on it stays, listed for staff to move.
ALTER TABLE slots
    ADD COLUMN withdrawn_at     timestamptz,
    ADD COLUMN withdrawn_reason text;
ALTER TABLE slots DROP CONSTRAINT slots_practitioner_start_at_key;
CREATE UNIQUE INDEX slots_one_live_per_practitioner_and_start ON slots (practitioner, start_at) WHERE withdrawn_at IS NULL;
DROP INDEX slots_search;
CREATE INDEX slots_search ON slots (unit, start_at) WHERE NOT blocked AND withdrawn_at IS NULL;
