-- When each group next needs the reconciler, so that a pass loads only the
-- groups with something due instead of all of them (workflow.Service.
-- Reconcile; at 10,000 groups a pass that loads every group takes seconds).
-- NULL means unknown: the group's state changed since it was last
-- reconciled. The triggers below clear it on every change to a group's
-- state, whoever makes it, so the column never claims a group is quiet
-- when it is not.
ALTER TABLE groups ADD COLUMN wake_at timestamptz;

CREATE INDEX groups_wake_at_idx ON groups (wake_at);

-- codev_clear_wake clears a group's wake time. It locks the group's row
-- first, even when the time is already clear: the reconciler holds that
-- lock while it reads a group and sets its wake time (workflow.Tx.
-- LockGroup), so a change either waits for it and clears the time it set,
-- or is committed before it reads.
CREATE FUNCTION codev_clear_wake(gid bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM groups WHERE id = gid FOR NO KEY UPDATE;
    UPDATE groups SET wake_at = NULL WHERE id = gid AND wake_at IS NOT NULL;
END
$$;

-- A change to a row that carries group_id.
CREATE FUNCTION codev_wake_group() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM codev_clear_wake(OLD.group_id);
        RETURN OLD;
    END IF;
    PERFORM codev_clear_wake(NEW.group_id);
    RETURN NEW;
END
$$;

-- A change to an RSVP, which names its session.
CREATE FUNCTION codev_wake_group_of_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM codev_clear_wake((SELECT group_id FROM sessions WHERE id = OLD.session_id));
        RETURN OLD;
    END IF;
    PERFORM codev_clear_wake((SELECT group_id FROM sessions WHERE id = NEW.session_id));
    RETURN NEW;
END
$$;

-- A change to the group itself, other than its wake time.
CREATE FUNCTION codev_wake_on_group_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.wake_at IS NOT DISTINCT FROM OLD.wake_at THEN
        NEW.wake_at := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER members_wake AFTER INSERT OR UPDATE OR DELETE ON members
    FOR EACH ROW EXECUTE FUNCTION codev_wake_group();
CREATE TRIGGER sessions_wake AFTER INSERT OR UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION codev_wake_group();
CREATE TRIGGER messages_wake AFTER INSERT OR UPDATE OR DELETE ON messages
    FOR EACH ROW EXECUTE FUNCTION codev_wake_group();
CREATE TRIGGER answers_wake AFTER INSERT OR UPDATE OR DELETE ON answers
    FOR EACH ROW EXECUTE FUNCTION codev_wake_group();
CREATE TRIGGER rsvps_wake AFTER INSERT OR UPDATE OR DELETE ON rsvps
    FOR EACH ROW EXECUTE FUNCTION codev_wake_group_of_session();
CREATE TRIGGER groups_wake BEFORE UPDATE ON groups
    FOR EACH ROW EXECUTE FUNCTION codev_wake_on_group_update();
