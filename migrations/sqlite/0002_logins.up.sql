-- One-time sign-in links for the animators' pages. Only a hash of the token
-- is stored, so a database dump cannot be used to sign in.
CREATE TABLE logins (
    token_hash TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

CREATE INDEX logins_expires_at_idx ON logins (expires_at);
