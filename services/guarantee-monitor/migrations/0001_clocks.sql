-- One care-guarantee clock per contact, kept from the events; and every alert it has raised.

CREATE TABLE clocks (
    contact_id             text PRIMARY KEY,
    patient                text,              -- pseudonym only: this service never sees a personnummer
    unit                   text,
    listed_unit            text,
    channel                text,
    profession             text,              -- the triaged profession (decides regional limits)
    sought_at              timestamptz,
    deadline               timestamptz,
    status                 text CHECK (status IN ('on_track', 'at_risk', 'breached', 'assessed', 'not_covered',
                                                  'patient_chosen_wait')),  -- null until the contact is registered
    status_reason          text,
    facts                  jsonb NOT NULL,    -- everything the events told, each fact with its own time
    next_alert_at          timestamptz,       -- when the scheduler must look again
    assessed_at            timestamptz,
    assessment_profession  text,
    assessment_form        text,
    patient_chose_to_wait  boolean NOT NULL DEFAULT false,
    last_traceparent       text,              -- the trace of the latest event, for the operations page
    updated_at             timestamptz NOT NULL
);
CREATE INDEX clocks_due ON clocks (next_alert_at) WHERE next_alert_at IS NOT NULL;
CREATE INDEX clocks_status ON clocks (status, unit);
CREATE INDEX clocks_assessed ON clocks (assessed_at) WHERE assessed_at IS NOT NULL;

CREATE TABLE alerts (
    id          bigserial PRIMARY KEY,
    contact_id  text NOT NULL REFERENCES clocks (contact_id),
    key         text NOT NULL,                -- at_risk:<hours>, breached, resolved:<key>
    kind        text NOT NULL,
    level       text NOT NULL,
    at          timestamptz NOT NULL,         -- the moment the alert is about
    deadline    timestamptz NOT NULL,
    hours_left  double precision NOT NULL,
    reason      text NOT NULL,
    unit        text,
    patient     text,
    traceparent text,
    raised_at   timestamptz NOT NULL,
    UNIQUE (contact_id, key)                  -- no contact ever gets the same alert twice
);
CREATE INDEX alerts_newest ON alerts (id DESC);
