-- A session's client chosen by the animator or an operator (a swap, the
-- choice in open mode) is kept when the group file is applied again.
ALTER TABLE sessions ADD COLUMN pinned boolean NOT NULL DEFAULT false;
