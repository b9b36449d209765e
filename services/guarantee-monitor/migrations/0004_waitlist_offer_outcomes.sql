-- What became of each waitlist offer (issue 18): one row per offer and outcome, so a redelivered or republished
-- offer event is stored once and never counted twice. No patient here: /ops counts them per unit and week.
CREATE TABLE waitlist_offer_outcomes (
    offer_id text NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('offered', 'accepted', 'declined', 'lapsed', 'withdrawn')),
    unit text NOT NULL,
    at timestamptz NOT NULL,
    week_start date NOT NULL, -- the Monday of the ISO week of `at`, in Europe/Stockholm
    breach_prevented boolean NOT NULL DEFAULT false,
    PRIMARY KEY (offer_id, outcome)
);

CREATE INDEX waitlist_offer_outcomes_by_unit_week ON waitlist_offer_outcomes (unit, week_start);
