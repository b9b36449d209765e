-- Custody (vårdnad) as the population register would tell it: a guardian acts for their child under 18.
-- Told through the admin API (and demo data); checked on every call a citizen makes for someone else.
CREATE TABLE guardianships (
    guardian       text NOT NULL,          -- the guardian's personnummer (12 digits)
    child          text NOT NULL,          -- the child's personnummer (12 digits)
    child_name     text,                   -- the child's given name, shown to the guardian only
    registered_at  timestamptz NOT NULL,
    registered_by  text NOT NULL,          -- the admin's HSA-id, or 'demo'
    PRIMARY KEY (guardian, child),
    CHECK (guardian <> child)
);
CREATE INDEX guardianships_child ON guardianships (child);

-- A decision that staff lowered below a red flag stays visible on the contact and in its history.
ALTER TABLE contacts ADD COLUMN red_flag_overridden boolean NOT NULL DEFAULT false;
ALTER TABLE triage_decisions ADD COLUMN lowered_red_flags text[] NOT NULL DEFAULT '{}';
