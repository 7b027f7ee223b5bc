-- When each group next needs the reconciler, so that a pass loads only the
-- groups with something due instead of all of them (workflow.Service.
-- Reconcile; at 10,000 groups a pass that loads every group takes seconds).
-- NULL means unknown: the group's state changed since it was last
-- reconciled. The triggers below clear it on every change to a group's
-- state, whoever makes it, so the column never claims a group is quiet
-- when it is not. Times are text, as in every table (internal/sqlstore).
ALTER TABLE groups ADD COLUMN wake_at TEXT;

CREATE INDEX groups_wake_at_idx ON groups (wake_at);

CREATE TRIGGER members_wake_insert AFTER INSERT ON members BEGIN
    UPDATE groups SET wake_at = NULL WHERE id = NEW.group_id AND wake_at IS NOT NULL;
END;

CREATE TRIGGER members_wake_update AFTER UPDATE ON members BEGIN
    UPDATE groups SET wake_at = NULL WHERE id = NEW.group_id AND wake_at IS NOT NULL;
END;

CREATE TRIGGER members_wake_delete AFTER DELETE ON members BEGIN
    UPDATE groups SET wake_at = NULL WHERE id = OLD.group_id AND wake_at IS NOT NULL;
END;

CREATE TRIGGER sessions_wake_insert AFTER INSERT ON sessions BEGIN
    UPDATE groups SET wake_at = NULL WHERE id = NEW.group_id AND wake_at IS NOT NULL;
END;

CREATE TRIGGER sessions_wake_update AFTER UPDATE ON sessions BEGIN
    UPDATE groups SET wake_at = NULL WHERE id = NEW.group_id AND wake_at IS NOT NULL;
END;

CREATE TRIGGER sessions_wake_delete AFTER DELETE ON sessions BEGIN
    UPDATE groups SET wake_at = NULL WHERE id = OLD.group_id AND wake_at IS NOT NULL;
END;

CREATE TRIGGER messages_wake_insert AFTER INSERT ON messages BEGIN
    UPDATE groups SET wake_at = NULL WHERE id = NEW.group_id AND wake_at IS NOT NULL;
END;

CREATE TRIGGER messages_wake_update AFTER UPDATE ON messages BEGIN
    UPDATE groups SET wake_at = NULL WHERE id = NEW.group_id AND wake_at IS NOT NULL;
END;

CREATE TRIGGER messages_wake_delete AFTER DELETE ON messages BEGIN
    UPDATE groups SET wake_at = NULL WHERE id = OLD.group_id AND wake_at IS NOT NULL;
END;

CREATE TRIGGER answers_wake_insert AFTER INSERT ON answers BEGIN
    UPDATE groups SET wake_at = NULL WHERE id = NEW.group_id AND wake_at IS NOT NULL;
END;

CREATE TRIGGER answers_wake_update AFTER UPDATE ON answers BEGIN
    UPDATE groups SET wake_at = NULL WHERE id = NEW.group_id AND wake_at IS NOT NULL;
END;

CREATE TRIGGER answers_wake_delete AFTER DELETE ON answers BEGIN
    UPDATE groups SET wake_at = NULL WHERE id = OLD.group_id AND wake_at IS NOT NULL;
END;

CREATE TRIGGER rsvps_wake_insert AFTER INSERT ON rsvps BEGIN
    UPDATE groups SET wake_at = NULL
        WHERE id = (SELECT group_id FROM sessions WHERE id = NEW.session_id) AND wake_at IS NOT NULL;
END;

CREATE TRIGGER rsvps_wake_update AFTER UPDATE ON rsvps BEGIN
    UPDATE groups SET wake_at = NULL
        WHERE id = (SELECT group_id FROM sessions WHERE id = NEW.session_id) AND wake_at IS NOT NULL;
END;

CREATE TRIGGER rsvps_wake_delete AFTER DELETE ON rsvps BEGIN
    UPDATE groups SET wake_at = NULL
        WHERE id = (SELECT group_id FROM sessions WHERE id = OLD.session_id) AND wake_at IS NOT NULL;
END;

-- A change to the group itself, other than its wake time. (SQLite does not
-- run triggers from within triggers unless recursive_triggers is on.)
CREATE TRIGGER groups_wake_update AFTER UPDATE ON groups
    WHEN NEW.wake_at IS OLD.wake_at AND NEW.wake_at IS NOT NULL BEGIN
    UPDATE groups SET wake_at = NULL WHERE id = NEW.id;
END;
