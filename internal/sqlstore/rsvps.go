package sqlstore

import (
	"context"
	"fmt"

	"github.com/codev-org/codev/workflow"
)

// scanRSVP reads a row of session_id, member_id, part_stat, sequence, stamp.
func scanRSVP(row scanner) (*workflow.RSVP, error) {
	var r workflow.RSVP
	if err := row.Scan(&r.SessionID, &r.MemberID, &r.PartStat, &r.Sequence, timeDest{&r.Stamp}); err != nil {
		return nil, err
	}
	return &r, nil
}

// SaveRSVP implements workflow.Tx.
func (tx *Tx) SaveRSVP(ctx context.Context, r *workflow.RSVP) error {
	_, err := tx.ex.Exec(ctx, `
		INSERT INTO rsvps (session_id, member_id, part_stat, sequence, stamp) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (session_id, member_id) DO UPDATE SET part_stat = excluded.part_stat,
			sequence = excluded.sequence, stamp = excluded.stamp`,
		r.SessionID, r.MemberID, r.PartStat, r.Sequence, tx.dialect.nullTime(r.Stamp))
	if err != nil {
		return fmt.Errorf("error saving RSVP of member %d to session %d: %w", r.MemberID, r.SessionID, err)
	}
	return nil
}

// RSVPs implements workflow.Tx. They come ordered by session number, then
// member ID.
func (tx *Tx) RSVPs(ctx context.Context, groupID int64) ([]*workflow.RSVP, error) {
	rsvps, err := list(ctx, tx.ex, scanRSVP, `
		SELECT r.session_id, r.member_id, r.part_stat, r.sequence, r.stamp
		FROM rsvps r JOIN sessions s ON s.id = r.session_id
		WHERE s.group_id = $1
		ORDER BY s.number, r.session_id, r.member_id`, groupID)
	if err != nil {
		return nil, fmt.Errorf("error listing RSVPs of group %d: %w", groupID, err)
	}
	return rsvps, nil
}
