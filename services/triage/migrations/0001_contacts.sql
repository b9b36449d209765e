-- Contacts and their triage. The triage service alone keeps the personnummer-to-pseudonym mapping.

CREATE TABLE patients (
    pseudonym     text PRIMARY KEY,
    personnummer  text NOT NULL UNIQUE,
    birth_date    date NOT NULL
);

CREATE TABLE listings (            -- where each patient is listed (listning), as far as the region has told us
    patient  text PRIMARY KEY REFERENCES patients (pseudonym),
    unit     text NOT NULL
);

CREATE TABLE contacts (
    id                  uuid PRIMARY KEY,
    patient             text NOT NULL REFERENCES patients (pseudonym),
    unit                text NOT NULL,
    listed_unit         text,
    channel             text NOT NULL,
    sought_at           timestamptz NOT NULL,     -- day 0 of the care guarantee
    reason_code         text,
    registered_by       text NOT NULL,            -- staff HSA-id, or 'patient'
    status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'triaged', 'assessed', 'closed')),
    urgency             text,
    care_level          text,
    profession          text,
    guarantee_applies   boolean,
    guideline_version   text,
    assessed_at         timestamptz,
    assessed_by         text,
    closed_at           timestamptz,
    close_reason        text,
    created_at          timestamptz NOT NULL
);
CREATE INDEX contacts_queue ON contacts (unit, status, sought_at);

-- Every triage of a contact, kept: the answers, the guidelines' decision, and any staff override.
CREATE TABLE triage_decisions (
    id               bigserial PRIMARY KEY,
    contact_id       uuid NOT NULL REFERENCES contacts (id),
    decided_at       timestamptz NOT NULL,
    decided_by       text NOT NULL,
    answers          jsonb NOT NULL,
    guideline_decision jsonb NOT NULL,
    final_decision   jsonb NOT NULL,
    override_reason  text
);
CREATE INDEX triage_decisions_contact ON triage_decisions (contact_id, decided_at);
