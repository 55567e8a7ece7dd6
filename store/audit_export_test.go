package store

import (
	"context"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// MigrateDownTo rolls the schema back to a version (its Down sections), so
// that tests can check a migration's Down and what it does to existing rows.
func (d *DB) MigrateDownTo(ctx context.Context, version int64) error {
	fsys, err := fs.Sub(migrations, "migrations/"+d.dialect)
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	if d.dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, d.db, fsys)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}
