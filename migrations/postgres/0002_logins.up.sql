-- One-time sign-in links for the animators' pages. Only a hash of the token
-- is stored, so a database dump cannot be used to sign in.
CREATE TABLE logins (
    token_hash text PRIMARY KEY,
    email      text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);

CREATE INDEX logins_expires_at_idx ON logins (expires_at);
