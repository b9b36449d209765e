-- The patient contract (patientkontrakt, "Min vård"): the agreement and the plan staff write with the patient.
-- The fixed care contacts stay in fixed_care_contacts (0002), which the slot search already prefers; the agreed
-- times are the patient's appointments. Patients are pseudonyms: the personnummer never reaches this database.
-- 0009, not 0008: issue 17's booking branch may take 0008 for the units' phone numbers.

CREATE TABLE patient_contracts (
    patient               text PRIMARY KEY,               -- pseudonym
    unit                  text REFERENCES care_units (hsa_id),  -- the care unit that last wrote it: "your unit"
    care_does             text NOT NULL DEFAULT '' CHECK (length(care_does) <= 2000),
    patient_does          text NOT NULL DEFAULT '' CHECK (length(patient_does) <= 2000),
    agreement_written_by  text,                           -- staff HSA-id
    agreement_written_at  timestamptz,
    plan_written_by       text,
    plan_written_at       timestamptz,
    updated_at            timestamptz NOT NULL
);

CREATE TABLE patient_plan_items (
    patient   text NOT NULL REFERENCES patient_contracts (patient) ON DELETE CASCADE,
    position  integer NOT NULL CHECK (position BETWEEN 0 AND 29),
    what      text NOT NULL CHECK (length(what) BETWEEN 1 AND 200),
    who       text NOT NULL DEFAULT '' CHECK (length(who) <= 120),
    timing    text NOT NULL CHECK (timing IN ('date', 'week', 'when_suits')),
    day       date,                                       -- the day, or the week's Monday
    status    text NOT NULL CHECK (status IN ('planned', 'done', 'cancelled')),
    PRIMARY KEY (patient, position),
    CHECK ((timing = 'when_suits') = (day IS NULL))
);
