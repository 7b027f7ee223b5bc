package main

import (
	"context"
	"fmt"
)

func (m *Main) migrate(ctx context.Context, args []string) error {
	fs := m.flags("migrate", "migrate\n\nApplies River's migrations and codev's to the database CODEV_DATABASE_URL\nnames (default: SQLite file codev.db). Safe to run again.")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := m.config()
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg.DatabaseURL, cfg.Logger(m.Stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	before, err := db.PendingMigrations(ctx)
	if err != nil {
		return err
	}
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if len(before) == 0 {
		fmt.Fprintf(m.Stdout, "%s database is up to date\n", db.Kind)
		return nil
	}
	fmt.Fprintf(m.Stdout, "%s database migrated: %d migration(s) applied\n", db.Kind, len(before))
	return nil
}
