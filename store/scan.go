package store

import (
	"encoding/json"
	"fmt"
	"time"
)

// nullTime scans a timestamp or date from either dialect: time.Time from
// PostgreSQL, text from SQLite.
type nullTime struct {
	Time  time.Time
	Valid bool
}

var timeLayouts = []string{sqliteTime, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02"}

func (n *nullTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		n.Valid = false
		return nil
	case time.Time:
		n.Time, n.Valid = v.UTC(), true
		return nil
	case []byte:
		return n.parse(string(v))
	case string:
		return n.parse(v)
	}
	return fmt.Errorf("store: cannot scan %T as a time", src)
}

func (n *nullTime) parse(s string) error {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			n.Time, n.Valid = t.UTC(), true
			return nil
		}
	}
	return fmt.Errorf("store: cannot parse time %q", s)
}

func (n nullTime) ptr() *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time
	return &t
}

// jsonList scans a JSON array of strings kept in a text column.
type jsonList []string

func (l *jsonList) Scan(src any) error {
	var out []string
	if err := scanJSONArray(src, &out, "list"); err != nil {
		return err
	}
	*l = out
	return nil
}

// scanJSONArray decodes a text column holding a JSON array into out; a NULL
// leaves out as it is.
func scanJSONArray(src, out any, what string) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("store: cannot scan %T as a %s", src, what)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("store: bad %s %q: %w", what, b, err)
	}
	return nil
}

func listJSON(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l)
	return string(b)
}

func dateArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format("2006-01-02")
}
