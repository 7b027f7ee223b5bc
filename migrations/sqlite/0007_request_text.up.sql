-- The plain text of a request as it was sent (workflow.RequestTexts), so
-- that the reply can be aligned with what it quotes. Empty when not kept:
-- messages that ask nothing, messages sent before this migration, and
-- requests answered or purged since.
ALTER TABLE messages ADD COLUMN request_text TEXT NOT NULL DEFAULT '';
