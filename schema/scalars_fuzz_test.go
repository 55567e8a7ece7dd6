package schema

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// FuzzDateTime: the DateTime scalar never panics, accepts only what RFC 3339
// allows, and what it accepts it writes back as the same instant in UTC.
func FuzzDateTime(f *testing.F) {
	for _, s := range []string{"2025-03-30T09:00:00Z", "2025-03-30T09:00:00.123456789+04:00", "2025-03-30", "2025-02-30T00:00:00Z",
		"2025-03-30T24:00:00Z", "2025-03-30 09:00:00Z", "9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00Z", "2025-03-30T09:00:00,5Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var d dateTime
		if err := d.UnmarshalGraphQL(s); err != nil {
			if _, ok := err.(*scalarError); !ok {
				t.Fatalf("%q: error of type %T", s, err)
			}
			return
		}
		if !rfc3339.MatchString(s) || d.Location() != time.UTC {
			t.Fatalf("%q accepted as %v", s, d.Time)
		}
		out, err := d.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back string
		json.Unmarshal(out, &back)
		var again dateTime
		if err := again.UnmarshalGraphQL(back); err != nil || !again.Truncate(time.Second).Equal(d.Truncate(time.Second)) {
			t.Fatalf("%q → %s → %v (%v)", s, out, again.Time, err)
		}
	})
}

// FuzzDate: the Date scalar never panics and round-trips what it accepts.
func FuzzDate(f *testing.F) {
	for _, s := range []string{"2025-03-30", "2024-02-29", "2025-02-29", "25-03-30", "2025-3-30", "2025-03-30T00:00:00Z", "٢٠٢٥-٠٣-٣٠"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var d date
		if err := d.UnmarshalGraphQL(s); err != nil {
			return
		}
		out, _ := d.MarshalJSON()
		if string(out) != `"`+s+`"` {
			t.Fatalf("%q written back as %s", s, out)
		}
	})
}

// FuzzGlobalID: decoding an id never panics, and an id that decodes is the
// one canonical id of that object.
func FuzzGlobalID(f *testing.F) {
	for _, s := range []string{string(globalID(kindShift, 42)), string(globalID(kindVolunteer, 1)), "U2hpZnQ6MDQy", "U2hpZnQ6LTE", "", "====",
		"U2hpZnQ6OTIyMzM3MjAzNjg1NDc3NTgwOA", "1' OR '1'='1", "Tm9wZTox", "Vm9\rsdW50ZWVyOjE", "U2hp\nZnQ6NDI"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, id, err := parseGlobalID("id", graphql.ID(s))
		if err != nil {
			return
		}
		if id <= 0 || !knownKinds[kind] || string(globalID(kind, id)) != s {
			t.Fatalf("%q decoded to %s %d", s, kind, id)
		}
	})
}

// FuzzCursor: a page cursor never panics the parser, and a cursor it accepts
// is the one it would make.
func FuzzCursor(f *testing.F) {
	f.Add("")
	f.Add("not a cursor")
	f.Add(shiftCursor(&konullu.Shift{ID: 42, StartsAt: time.Date(2025, 3, 30, 9, 0, 0, 0, time.UTC)}))
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		again, err := parseCursor(shiftCursor(&konullu.Shift{ID: c.ID, StartsAt: c.StartsAt}))
		if err != nil || *again != *c {
			t.Fatalf("%q: %+v, made again %+v (%v)", s, c, again, err)
		}
	})
}

// FuzzOperationType: reading a document's operation type never panics and
// agrees with the document when it can tell.
func FuzzOperationType(f *testing.F) {
	for _, s := range []string{"{ centres { id } }", "mutation M { logout }", `query Q { a } mutation M($r: String = "} query {") { logout }`,
		"# query\nmutation { logout }", `"""block"""`, "fragment F on X { a } query { ...F }", "{ a(b: [1, {c: \"}\"}]) }", "subscription { x }"} {
		f.Add(s, "")
		f.Add(s, "M")
	}
	f.Fuzz(func(t *testing.T, doc, name string) {
		switch operationType(doc, name) {
		case "", "query", "mutation", "subscription":
		default:
			t.Fatalf("%q: unexpected type", doc)
		}
	})
}

// FuzzLimits: the abuse limits never panic, whatever the document and
// variables, and stay within their own bounds when they let a document pass.
func FuzzLimits(f *testing.F) {
	lim, err := newLimits(SDL())
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"{ centres { id } }", "query($n: Int) { shifts(from: \"a\", to: \"b\", first: $n) { edges { node { id } } } }",
		"fragment F on Centre { ...F } { centres { ...F } }", "{ a: me { id } b: me { id } }", "mutation { logout }", "{ __schema { types { name } } }",
		"{ shifts(first: 100) { edges { node { assignments { volunteer { assignments { id } } } } } } }", "{ node(id: \"x\") { ... on Shift { id } } }"} {
		f.Add(s, "", `{"n": 100}`)
	}
	f.Fuzz(func(t *testing.T, doc, name, vars string) {
		var v map[string]any
		json.Unmarshal([]byte(vars), &v)
		a, lerr := lim.check(doc, name, v)
		if a == nil {
			t.Fatal("no analysis")
		}
		if lerr == nil && (a.depth > maxDepth || a.aliases > maxAliases || a.cost > maxCost || a.fields > maxFields) {
			t.Fatalf("%q passed beyond the limits: %+v", doc, a)
		}
	})
}

// FuzzPhone: the phone parser never panics and keeps only what it allows.
func FuzzPhone(f *testing.F) {
	for _, s := range []string{"+994 50 123 45 67", "(012) 555-0101", "12", "+994\u200b501234567", "050.123.45.67", "<script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := cleanPhone(s)
		if err != nil || out == "" {
			return
		}
		for _, c := range out {
			if !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '(' && c != ')' && c != ' ' && c != '.' {
				t.Fatalf("%q kept %q", s, c)
			}
		}
	})
}
