package store

import (
	"context"
	"fmt"
)

// TableText returns every value of every row of a table as text, so that a
// test can look for a secret in whatever columns the table has.
func (d *DB) TableText(ctx context.Context, table string) ([]string, error) {
	rows, err := d.query(ctx, d.db, "SELECT * FROM "+table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			out = append(out, fmt.Sprintf("%s=%v", cols[i], v))
		}
	}
	return out, rows.Err()
}
