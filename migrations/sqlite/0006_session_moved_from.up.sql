-- The start a session had before its last change of time, so that the
-- updated invitation says the old date and the new one. NULL when the
-- session's last change did not move it. Times are text, as in every table.
ALTER TABLE sessions ADD COLUMN moved_from TEXT;
