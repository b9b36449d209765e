-- The listing register (listning): one row per patient, where the region says they are listed and since when.
-- Filled by an admin's import of the regional listing system's file, by staff and admins through the API and
-- the console, and by a citizen's own web contact when nothing was known. The columns come after
-- (patient, unit), so a plain two-value insert still works.
ALTER TABLE listings
    ADD COLUMN listed_from date,                                    -- null only for rows from before the register
    ADD COLUMN source      text NOT NULL DEFAULT 'staff'
                           CHECK (source IN ('import', 'staff', 'admin', 'web')),
    ADD COLUMN updated_at  timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN updated_by  text;                                    -- HSA-id, 'import:<admin HSA-id>' or 'patient'
CREATE INDEX listings_unit ON listings (unit);

-- What the register said when the contact was registered, and when staff resolved an unknown listing.
-- Unknown is covered by the guarantee and flagged for staff ("listning okänd"); never silently null.
ALTER TABLE contacts
    ADD COLUMN listing text CHECK (listing IN ('here', 'elsewhere', 'unknown')),
    ADD COLUMN listing_resolved_at timestamptz;
UPDATE contacts SET listing = CASE WHEN listed_unit IS NULL THEN 'unknown'
                                   WHEN listed_unit = unit THEN 'here' ELSE 'elsewhere' END;
-- A row written without it (an older writer) is unknown: covered and flagged, the safe side.
ALTER TABLE contacts ALTER COLUMN listing SET DEFAULT 'unknown', ALTER COLUMN listing SET NOT NULL;
CREATE INDEX contacts_unknown_listing ON contacts (patient) WHERE listing = 'unknown';

-- Idempotency-Key: the first answer to a request, replayed for a retry with the same key and body.
-- Forgotten after TRIAGE_IDEMPOTENCY_RETENTION_HOURS (a week), in batches by age.
CREATE TABLE idempotent_requests (
    caller        text NOT NULL,          -- staff HSA-id, or the citizen's pseudonym
    key           text NOT NULL,
    request_hash  text NOT NULL,          -- what was asked, so the same key for another request is refused
    status_code   integer,
    response      jsonb,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (caller, key)
);
CREATE INDEX idempotent_requests_created ON idempotent_requests (created_at);
