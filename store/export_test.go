package store

import "context"

// Exec runs a statement with the store's placeholder and time conversions;
// tests use it to set up states the API cannot reach directly.
func (d *DB) Exec(query string, args ...any) error {
	_, err := d.exec(context.Background(), d.db, query, args...)
	return err
}
