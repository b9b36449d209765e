-- Patientdatalagen: every staff read of a patient's data leaves one row here, written in the same
-- transaction as the read, so a read that happened is never missing from the log.
-- `patient` is the patient's pseudonym, never the personnummer: the log itself must not become a
-- register of who is a patient where.
CREATE TABLE access_log (
    id bigserial PRIMARY KEY,
    read_at timestamptz NOT NULL,
    staff_id text NOT NULL,
    staff_role text NOT NULL,
    units text[] NOT NULL,
    patient text NOT NULL,
    action text NOT NULL,
    resource text NOT NULL,
    purpose text NULL
);

-- The two questions an audit asks: who read this patient's data, and what did this person read.
CREATE INDEX access_log_patient_read_at ON access_log (patient, read_at);
CREATE INDEX access_log_staff_read_at ON access_log (staff_id, read_at);
