-- Care units, practitioners, time types, weekly templates and the slots generated from them.
-- Every time is timestamptz (UTC); templates hold Stockholm wall-clock times, turned into instants per date.

CREATE TABLE care_units (
    hsa_id         text PRIMARY KEY,
    name           text NOT NULL,
    address        text NOT NULL,
    opening_hours  jsonb NOT NULL DEFAULT '[]'::jsonb   -- [{"weekday": 1, "opens": "08:00", "closes": "17:00"}]
);

CREATE TABLE practitioners (
    hsa_id      text PRIMARY KEY,
    name        text NOT NULL,
    profession  text NOT NULL,
    unit        text NOT NULL REFERENCES care_units (hsa_id)
);

CREATE TABLE time_types (
    code                   text PRIMARY KEY,
    name                   text NOT NULL,               -- Swedish, as shown to the citizen
    profession             text NOT NULL,
    contact_form           text NOT NULL CHECK (contact_form IN ('clinic', 'home', 'phone', 'video', 'chat_letter')),
    length_minutes         integer NOT NULL CHECK (length_minutes > 0),
    visible                boolean NOT NULL,            -- hidden: bookable on the web only for a triaged contact
    web_cancel_allowed     boolean NOT NULL,
    web_rebook_allowed     boolean NOT NULL,
    cancel_notice_minutes  integer NOT NULL DEFAULT 0 CHECK (cancel_notice_minutes >= 0),
    rebook_notice_minutes  integer NOT NULL DEFAULT 0 CHECK (rebook_notice_minutes >= 0),
    reason_required        boolean NOT NULL DEFAULT false,
    capacity               integer NOT NULL DEFAULT 1 CHECK (capacity >= 1)  -- above 1: drop-in
);

CREATE TABLE weekly_templates (
    id            bigserial PRIMARY KEY,
    practitioner  text NOT NULL REFERENCES practitioners (hsa_id),
    time_type     text NOT NULL REFERENCES time_types (code),
    weekday       smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),   -- ISO: Monday is 1
    starts        time NOT NULL,                                       -- Stockholm wall clock
    ends          time NOT NULL CHECK (ends > starts)
);

CREATE TABLE slots (
    id            uuid PRIMARY KEY,
    unit          text NOT NULL REFERENCES care_units (hsa_id),
    practitioner  text NOT NULL REFERENCES practitioners (hsa_id),
    time_type     text NOT NULL REFERENCES time_types (code),
    start_at      timestamptz NOT NULL,
    end_at        timestamptz NOT NULL CHECK (end_at > start_at),
    capacity      integer NOT NULL CHECK (capacity >= 1),
    -- Bookings plus live holds. The database, not Python, keeps this within capacity.
    reserved      integer NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= capacity),
    blocked       boolean NOT NULL DEFAULT false,
    UNIQUE (practitioner, start_at)
);

CREATE INDEX slots_search ON slots (unit, start_at) WHERE NOT blocked;
