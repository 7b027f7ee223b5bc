-- Send times keep to working days and daytime hours (workflow/sendtime.go):
-- the group's country gives the public holidays, and a member may live in
-- another time zone than the group's (empty: the group's). Existing groups
-- were French, the default.
ALTER TABLE groups ADD COLUMN country TEXT NOT NULL DEFAULT 'FR';
ALTER TABLE members ADD COLUMN timezone TEXT NOT NULL DEFAULT '';
