package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/codev-org/codev/workflow"
)

// inboundColumns are every column but raw, which only Inbound loads.
const inboundColumns = `id, mailbox, uidvalidity, uid, message_id, size, received_at, status, kind, reason,
	group_id, member_id, request_id, sender`

// scanInbound reads a row of inboundColumns, then extra.
func scanInbound(row scanner, extra ...any) (*workflow.Inbound, error) {
	var (
		in               workflow.Inbound
		uidValidity, uid int64
	)
	dest := []any{&in.ID, &in.Mailbox, &uidValidity, &uid, &in.MessageID, &in.Size, timeDest{&in.ReceivedAt},
		&in.Status, &in.Kind, &in.Reason, idDest{&in.GroupID}, idDest{&in.MemberID}, idDest{&in.RequestID},
		&in.Sender}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	in.UIDValidity, in.UID = uint32(uidValidity), uint32(uid)
	return &in, nil
}

// scanInboundRaw reads a row of inboundColumns followed by raw.
func scanInboundRaw(row scanner) (*workflow.Inbound, error) {
	var raw []byte
	in, err := scanInbound(row, &raw)
	if err != nil {
		return nil, err
	}
	in.Raw = raw
	return in, nil
}

// scanInboundOnly reads a row of inboundColumns.
func scanInboundOnly(row scanner) (*workflow.Inbound, error) { return scanInbound(row) }

// rawArg is how Raw is stored: NULL when empty.
func rawArg(raw []byte) any {
	if len(raw) == 0 {
		return nil
	}
	return raw
}

// AddInbound implements workflow.Tx.
func (tx *Tx) AddInbound(ctx context.Context, in *workflow.Inbound) (bool, error) {
	var id int64
	err := tx.ex.QueryRow(ctx, `
		INSERT INTO inbound (mailbox, uidvalidity, uid, message_id, raw, size, received_at, status, kind, reason,
			group_id, member_id, request_id, sender)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT DO NOTHING
		RETURNING id`,
		in.Mailbox, int64(in.UIDValidity), int64(in.UID), in.MessageID, rawArg(in.Raw), in.Size,
		tx.dialect.time(in.ReceivedAt), in.Status, in.Kind, in.Reason, nullID(in.GroupID), nullID(in.MemberID),
		nullID(in.RequestID), in.Sender,
	).Scan(&id)
	if errors.Is(err, workflow.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("error adding inbound message %s/%d/%d: %w", in.Mailbox, in.UIDValidity, in.UID, err)
	}
	in.ID = id
	return true, nil
}

// Inbound implements workflow.Tx.
func (tx *Tx) Inbound(ctx context.Context, id int64) (*workflow.Inbound, error) {
	in, err := one(ctx, tx.ex, scanInboundRaw, `SELECT `+inboundColumns+`, raw FROM inbound WHERE id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("error getting inbound message %d: %w", id, err)
	}
	return in, nil
}

// InboundByStatus implements workflow.Tx: oldest ReceivedAt first, then in
// the order stored.
func (tx *Tx) InboundByStatus(ctx context.Context, status string) ([]*workflow.Inbound, error) {
	messages, err := list(ctx, tx.ex, scanInboundOnly, `SELECT `+inboundColumns+` FROM inbound
		WHERE status = $1 ORDER BY received_at, id`, status)
	if err != nil {
		return nil, fmt.Errorf("error listing %s inbound messages: %w", status, err)
	}
	return messages, nil
}

// UpdateInbound implements workflow.Tx. It writes every field but ID; an
// empty Raw deletes the bytes.
func (tx *Tx) UpdateInbound(ctx context.Context, in *workflow.Inbound) error {
	err := mustAffect(tx.dialect.guard(ctx, tx.ex, func() (int64, error) {
		return tx.ex.Exec(ctx, `
			UPDATE inbound SET mailbox = $2, uidvalidity = $3, uid = $4, message_id = $5, raw = $6, size = $7,
				received_at = $8, status = $9, kind = $10, reason = $11, group_id = $12, member_id = $13,
				request_id = $14, sender = $15
			WHERE id = $1`,
			in.ID, in.Mailbox, int64(in.UIDValidity), int64(in.UID), in.MessageID, rawArg(in.Raw), in.Size,
			tx.dialect.time(in.ReceivedAt), in.Status, in.Kind, in.Reason, nullID(in.GroupID),
			nullID(in.MemberID), nullID(in.RequestID), in.Sender)
	}))
	if isUniqueViolation(err) {
		return workflow.Errorf(workflow.ECONFLICT, "another inbound message has the same UID or Message-ID")
	}
	if err != nil {
		return fmt.Errorf("error updating inbound message %d: %w", in.ID, err)
	}
	return nil
}

// Cursor implements workflow.Tx.
func (tx *Tx) Cursor(ctx context.Context, mailbox string) (uidValidity, uid uint32, err error) {
	var v, u int64
	err = tx.ex.QueryRow(ctx, `SELECT uidvalidity, uid FROM imap_cursors WHERE mailbox = $1`, mailbox).Scan(&v, &u)
	if errors.Is(err, workflow.ErrNotFound) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("error reading cursor of mailbox %q: %w", mailbox, err)
	}
	return uint32(v), uint32(u), nil
}

// SetCursor implements workflow.Tx.
func (tx *Tx) SetCursor(ctx context.Context, mailbox string, uidValidity, uid uint32) error {
	_, err := tx.ex.Exec(ctx, `
		INSERT INTO imap_cursors (mailbox, uidvalidity, uid) VALUES ($1, $2, $3)
		ON CONFLICT (mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, uid = excluded.uid`,
		mailbox, int64(uidValidity), int64(uid))
	if err != nil {
		return fmt.Errorf("error setting cursor of mailbox %q: %w", mailbox, err)
	}
	return nil
}
