package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/codev-org/codev/workflow"
)

const groupColumns = `id, name, language, timezone, country, visio, mode, max_members, offsets, feed_token, created_at`

// scanGroup reads a row of groupColumns.
func scanGroup(row scanner) (*workflow.Group, error) {
	var (
		g       workflow.Group
		offsets string
	)
	err := row.Scan(&g.ID, &g.Name, &g.Language, &g.Timezone, &g.Country, &g.Visio, &g.Mode, &g.MaxMembers,
		&offsets, &g.FeedToken, timeDest{&g.CreatedAt})
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(offsets), &g.Offsets); err != nil {
		return nil, fmt.Errorf("error decoding offsets of group %d: %w", g.ID, err)
	}
	return &g, nil
}

// Groups implements workflow.Tx.
func (tx *Tx) Groups(ctx context.Context) ([]*workflow.Group, error) {
	groups, err := list(ctx, tx.ex, scanGroup, `SELECT `+groupColumns+` FROM groups ORDER BY name`+tx.dialect.collate())
	if err != nil {
		return nil, fmt.Errorf("error listing groups: %w", err)
	}
	return groups, nil
}

// Group implements workflow.Tx.
func (tx *Tx) Group(ctx context.Context, id int64) (*workflow.Group, error) {
	g, err := one(ctx, tx.ex, scanGroup, `SELECT `+groupColumns+` FROM groups WHERE id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("error getting group %d: %w", id, err)
	}
	return g, nil
}

// GroupByName implements workflow.Tx.
func (tx *Tx) GroupByName(ctx context.Context, name string) (*workflow.Group, error) {
	g, err := one(ctx, tx.ex, scanGroup, `SELECT `+groupColumns+` FROM groups WHERE name = $1`, name)
	if err != nil {
		return nil, fmt.Errorf("error getting group %q: %w", name, err)
	}
	return g, nil
}

// GroupByFeedToken implements workflow.Tx. The empty token matches nothing.
func (tx *Tx) GroupByFeedToken(ctx context.Context, token string) (*workflow.Group, error) {
	g, err := one(ctx, tx.ex, scanGroup, `SELECT `+groupColumns+` FROM groups WHERE feed_token = $1 AND feed_token <> ''`, token)
	if err != nil {
		return nil, fmt.Errorf("error getting group by feed token: %w", err)
	}
	return g, nil
}

// CreateGroup implements workflow.Tx. A zero CreatedAt is set to now; either
// way g.CreatedAt is left as stored (UTC, microseconds).
func (tx *Tx) CreateGroup(ctx context.Context, g *workflow.Group) error {
	offsets, err := json.Marshal(g.Offsets)
	if err != nil {
		return fmt.Errorf("error encoding offsets of group %q: %w", g.Name, err)
	}
	created := g.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	created = normalTime(created)
	err = tx.ex.QueryRow(ctx, `
		INSERT INTO groups (name, language, timezone, visio, mode, max_members, offsets, feed_token, created_at, country)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (name) DO NOTHING
		RETURNING id`,
		g.Name, g.Language, g.Timezone, g.Visio, g.Mode, g.MaxMembers, string(offsets), g.FeedToken,
		tx.dialect.time(created), g.Country,
	).Scan(&g.ID)
	if err != nil {
		if errors.Is(err, workflow.ErrNotFound) {
			return workflow.Errorf(workflow.ECONFLICT, "group %q already exists", g.Name)
		}
		return fmt.Errorf("error creating group %q: %w", g.Name, err)
	}
	g.CreatedAt = created
	return nil
}

// UpdateGroup implements workflow.Tx. It writes every field but ID. Renaming
// to another group's name is an ECONFLICT error.
func (tx *Tx) UpdateGroup(ctx context.Context, g *workflow.Group) error {
	offsets, err := json.Marshal(g.Offsets)
	if err != nil {
		return fmt.Errorf("error encoding offsets of group %d: %w", g.ID, err)
	}
	err = mustAffect(tx.dialect.guard(ctx, tx.ex, func() (int64, error) {
		return tx.ex.Exec(ctx, `
			UPDATE groups SET name = $2, language = $3, timezone = $4, visio = $5, mode = $6,
				max_members = $7, offsets = $8, feed_token = $9, created_at = $10, country = $11
			WHERE id = $1`,
			g.ID, g.Name, g.Language, g.Timezone, g.Visio, g.Mode, g.MaxMembers, string(offsets),
			g.FeedToken, tx.dialect.time(g.CreatedAt), g.Country)
	}))
	if isUniqueViolation(err) {
		return workflow.Errorf(workflow.ECONFLICT, "group name %q or feed token is used by another group", g.Name)
	}
	if err != nil {
		return fmt.Errorf("error updating group %d: %w", g.ID, err)
	}
	return nil
}
