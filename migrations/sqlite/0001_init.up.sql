-- codev's tables. River's own tables are created by rivermigrate, before
-- this file. Tables are STRICT. Times are TEXT in UTC, fixed width with
-- microseconds (2006-01-02T15:04:05.000000Z), so they sort as text and
-- round-trip exactly. Booleans are INTEGER 0 or 1. An optional time is NULL
-- when unset; a reference that may be absent is NULL rather than 0. IDs use
-- AUTOINCREMENT so that the ID of a deleted row is never reused.

CREATE TABLE groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    language    TEXT NOT NULL,
    timezone    TEXT NOT NULL,
    visio       TEXT NOT NULL DEFAULT '',
    mode        TEXT NOT NULL,
    max_members INTEGER NOT NULL,
    offsets     TEXT NOT NULL DEFAULT '{}', -- workflow.Offsets as JSON
    feed_token  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    CONSTRAINT groups_name_key UNIQUE (name)
) STRICT;

CREATE UNIQUE INDEX groups_feed_token_key ON groups (feed_token) WHERE feed_token <> '';

CREATE TABLE members (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    unavailable TEXT NOT NULL DEFAULT '[]', -- session numbers as a JSON array
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    paused      INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    bounced     INTEGER NOT NULL DEFAULT 0 CHECK (bounced IN (0, 1)),
    feed_token  TEXT NOT NULL DEFAULT '',
    CONSTRAINT members_group_id_email_key UNIQUE (group_id, email)
) STRICT;

CREATE UNIQUE INDEX members_feed_token_key ON members (feed_token) WHERE feed_token <> '';
CREATE INDEX members_email_idx ON members (email);

CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id         INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    number           INTEGER NOT NULL,
    starts_at        TEXT NOT NULL,
    duration_seconds INTEGER NOT NULL,
    client_id        INTEGER REFERENCES members (id) ON DELETE SET NULL,
    status           TEXT NOT NULL,
    sequence         INTEGER NOT NULL DEFAULT 0,
    uid              TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX sessions_group_id_number_idx ON sessions (group_id, number);
CREATE UNIQUE INDEX sessions_uid_key ON sessions (uid) WHERE uid <> '';

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    session_id  INTEGER REFERENCES sessions (id) ON DELETE CASCADE,
    member_id   INTEGER REFERENCES members (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    sequence    INTEGER NOT NULL DEFAULT 0,
    key         TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    message_id  TEXT NOT NULL DEFAULT '',
    sent_at     TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    answered_at TEXT,
    CONSTRAINT messages_key_key UNIQUE (key)
) STRICT;

CREATE INDEX messages_group_id_idx ON messages (group_id, id);
CREATE INDEX messages_message_id_idx ON messages (message_id) WHERE message_id <> '';

CREATE TABLE inbound (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox     TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid         INTEGER NOT NULL,
    message_id  TEXT NOT NULL DEFAULT '',
    raw         BLOB, -- NULL once processed
    size        INTEGER NOT NULL DEFAULT 0,
    received_at TEXT NOT NULL,
    status      TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    group_id    INTEGER REFERENCES groups (id) ON DELETE SET NULL,
    member_id   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    request_id  INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    sender      TEXT NOT NULL DEFAULT '',
    CONSTRAINT inbound_mailbox_uidvalidity_uid_key UNIQUE (mailbox, uidvalidity, uid)
) STRICT;

CREATE UNIQUE INDEX inbound_message_id_key ON inbound (message_id) WHERE message_id <> '';
CREATE INDEX inbound_status_idx ON inbound (status, received_at, id);

CREATE TABLE imap_cursors (
    mailbox     TEXT PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    uid         INTEGER NOT NULL
) STRICT;

CREATE TABLE answers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    session_id INTEGER REFERENCES sessions (id) ON DELETE CASCADE,
    member_id  INTEGER REFERENCES members (id) ON DELETE CASCADE,
    request_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    question   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    shared     INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    inbound_id INTEGER REFERENCES inbound (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT answers_request_id_question_key UNIQUE (request_id, question)
) STRICT;

CREATE INDEX answers_group_id_idx ON answers (group_id, id);

CREATE TABLE rsvps (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    part_stat  TEXT NOT NULL,
    sequence   INTEGER NOT NULL DEFAULT 0,
    stamp      TEXT,
    PRIMARY KEY (session_id, member_id)
) STRICT;

CREATE INDEX rsvps_member_id_idx ON rsvps (member_id);

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;
