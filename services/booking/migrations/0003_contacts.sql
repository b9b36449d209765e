-- The local read model of triaged contacts, from nara.contacts.v1: what each contact may book, and by when.

CREATE TABLE contacts (
    contact_id          text PRIMARY KEY,
    patient             text,                 -- pseudonym
    unit                text,
    listed_unit         text,
    sought_at           timestamptz,
    guarantee_deadline  timestamptz,
    urgency             text,
    care_level          text,
    professions         text[] NOT NULL DEFAULT '{}',  -- the triaged profession first, then alternatives
    guarantee_applies   boolean,
    triaged_at          timestamptz,
    closed_at           timestamptz,
    -- Whether web booking showed this contact a time that ends within the guarantee.
    offered_within_guarantee boolean NOT NULL DEFAULT false
);
