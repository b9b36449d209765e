-- The pages' logins through the identity provider, shared by every replica of an app and kept over restarts.
-- The row is found by a SHA-256 of the session id, never the id itself: the browser's cookie holds the id,
-- so reading this table does not hand out live sessions. Who is logged in and their tokens are `sealed`
-- (AES-GCM under a key derived from the session id), so the table names nobody and holds no usable token.
-- `login` is the app's cookie (one service can serve two logins, e.g. booking's citizens and staff), so a
-- session of one never counts at the other.
CREATE TABLE page_sessions (
    id_hash bytea PRIMARY KEY,
    login text NOT NULL,
    sealed bytea NOT NULL,  -- caller, name, access, refresh and ID token
    expires_at double precision NOT NULL,  -- the access token's, seconds since the epoch
    started timestamptz NOT NULL,
    seen timestamptz NOT NULL,
    ends_at timestamptz NOT NULL  -- the earlier of seen + idle and started + absolute, for forgetting
);

CREATE INDEX page_sessions_ends_at ON page_sessions (ends_at);
