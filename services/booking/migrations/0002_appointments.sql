-- Holds, appointments and their history, idempotent request replies, fixed care contacts.

CREATE TABLE holds (
    id          uuid PRIMARY KEY,
    slot_id     uuid NOT NULL REFERENCES slots (id),
    patient     text NOT NULL,                 -- pseudonym
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX holds_expiry ON holds (expires_at);
CREATE INDEX holds_slot ON holds (slot_id);

CREATE TABLE appointments (
    id                     uuid PRIMARY KEY,
    lineage                uuid NOT NULL,      -- the first booking's id, carried through every rebooking
    slot_id                uuid NOT NULL REFERENCES slots (id),
    patient                text NOT NULL,      -- pseudonym; the personnummer never reaches this database
    unit                   text NOT NULL REFERENCES care_units (hsa_id),
    contact_id             text,
    status                 text NOT NULL CHECK (status IN ('booked', 'rebooked', 'cancelled', 'completed', 'no_show')),
    booked_by              text NOT NULL CHECK (booked_by IN ('patient', 'staff')),
    booked_by_id           text NOT NULL,      -- the staff HSA-id, or the patient's pseudonym
    reason                 text,
    earlier_time_offered_within_guarantee boolean NOT NULL DEFAULT false,
    replaces               uuid REFERENCES appointments (id),
    created_at             timestamptz NOT NULL,
    ended_at               timestamptz,
    end_reason             text,
    ended_by               text,
    medical_assessment     boolean
);
-- A booking can never fork: at most one active appointment per lineage, and one per patient and slot.
CREATE UNIQUE INDEX appointments_one_active_per_lineage ON appointments (lineage) WHERE status = 'booked';
CREATE UNIQUE INDEX appointments_one_per_patient_and_slot ON appointments (slot_id, patient) WHERE status = 'booked';
CREATE INDEX appointments_patient ON appointments (patient, status);
CREATE INDEX appointments_unit ON appointments (unit, status);

CREATE TABLE idempotent_requests (
    caller         text NOT NULL,
    key            text NOT NULL,
    request_hash   text NOT NULL,
    status_code    integer,
    response       jsonb,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (caller, key)
);

CREATE TABLE fixed_care_contacts (
    patient       text NOT NULL,               -- pseudonym
    practitioner  text NOT NULL REFERENCES practitioners (hsa_id),
    is_fixed_doctor boolean NOT NULL DEFAULT false,
    recorded_by   text NOT NULL,
    recorded_at   timestamptz NOT NULL,
    PRIMARY KEY (patient, practitioner)
);
CREATE UNIQUE INDEX fixed_care_contacts_one_doctor ON fixed_care_contacts (patient) WHERE is_fixed_doctor;
