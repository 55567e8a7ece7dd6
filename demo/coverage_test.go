package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/availability"
	"github.com/konullu/konullu/demo"
	"github.com/konullu/konullu/redisconn"
	"github.com/konullu/konullu/schema"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// TestDemoCoverage: on the demo's 2,000 volunteers, "find who is free"
// (availableVolunteers, through the API) offers at least three volunteers
// free for the whole shift for every understaffed shift of the coming week
// at every centre, and some shifts have partial matches too (the students
// free for part of a block). The volunteers' availability is made of their
// preferred centres' day template.
func TestDemoCoverage(t *testing.T) {
	// A Tuesday 10:00 in Baku.
	now := time.Date(2026, 3, 10, 6, 0, 0, 0, time.UTC)
	st := storetest.Open(t, store.Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	res, err := demo.Seed(ctx, st, demo.Options{Weeks: 2, Now: now, Argon2: cheap, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded in %s", res.Elapsed)
	started := time.Now()

	// Every demo centre has the day template of its shifts.
	centres, err := st.Centres(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(centres))
	for i, c := range centres {
		ids[i] = c.ID
	}
	templates, err := st.DayTemplates(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range centres {
		if got := templates[c.ID]; len(got) != 11 || got[0] != (konullu.DayBlock{Weekday: 1, Start: "09:00", End: "13:30"}) ||
			got[10] != (konullu.DayBlock{Weekday: 6, Start: "10:00", End: "15:00"}) {
			t.Fatalf("%s: day template %v", c.Name, got)
		}
	}

	// The availability index answers, as in the server (the SQL fallback
	// answers the same, checked by the availability package's tests, but
	// takes tens of milliseconds a shift on PostgreSQL).
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	rdb, closeRedis, err := redisconn.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeRedis() })
	ix := availability.New(rdb, st, availability.Options{Now: func() time.Time { return now }, Logger: quiet})
	t.Cleanup(func() { ix.Close() })
	if err := ix.Rebuild(ctx, nil); err != nil {
		t.Fatal(err)
	}
	h := schema.NewHandler(schema.Config{Store: st, Logger: quiet, Now: func() time.Time { return now }, Argon2: cheap, Availability: ix})
	post := func(token, query string, vars map[string]any, out any) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var r struct {
			Data   json.RawMessage
			Errors []any
		}
		if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil || len(r.Errors) > 0 {
			t.Fatalf("%s: %s", query, w.Body.String())
		}
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatal(err)
		}
	}
	var login struct{ Login struct{ Token string } }
	post("", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		map[string]any{"e": "admin@" + demo.Domain, "p": demo.Password}, &login)
	tok := login.Login.Token

	type shift struct {
		ID                       string
		StartsAt                 time.Time
		Capacity, ConfirmedCount int
		Centre                   struct{ Name string }
		Position                 struct{ Name string }
	}
	var understaffed []shift
	after := ""
	for {
		var page struct {
			Shifts struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
				Edges []struct{ Node shift }
			}
		}
		vars := map[string]any{"from": now.Format(time.RFC3339), "to": now.Add(7 * 24 * time.Hour).Format(time.RFC3339)}
		if after != "" {
			vars["after"] = after
		}
		post(tok, `query($from: DateTime!, $to: DateTime!, $after: String) { shifts(from: $from, to: $to, openOnly: true, first: 100, after: $after) {
			pageInfo { hasNextPage endCursor } edges { node { id startsAt capacity confirmedCount centre { name } position { name } } } } }`, vars, &page)
		for _, e := range page.Shifts.Edges {
			if e.Node.ConfirmedCount < e.Node.Capacity {
				understaffed = append(understaffed, e.Node)
			}
		}
		if !page.Shifts.PageInfo.HasNextPage {
			break
		}
		after = page.Shifts.PageInfo.EndCursor
	}
	if len(understaffed) < 50 {
		t.Fatalf("only %d understaffed shifts in the coming week", len(understaffed))
	}
	fewest, partial := 1<<30, 0
	for i, s := range understaffed {
		var d struct {
			Full    []struct{ Partial bool } `json:"full"`
			Partial []struct {
				Partial        bool
				CoveredMinutes int
			} `json:"partial"`
		}
		// Partial matches ask one match per quarter hour: a sample is enough.
		post(tok, `query($s: ID!, $partial: Boolean!) { full: availableVolunteers(shiftId: $s, first: 3) { partial }
			partial: availableVolunteers(shiftId: $s, first: 3, partial: true) @include(if: $partial) { partial coveredMinutes } }`,
			map[string]any{"s": s.ID, "partial": i%25 == 0}, &d)
		if len(d.Full) < 3 {
			t.Errorf("%s, %s at %s: %d volunteers free for the whole shift, want at least 3", s.Centre.Name, s.Position.Name, s.StartsAt, len(d.Full))
		}
		fewest = min(fewest, len(d.Full))
		for _, m := range d.Full {
			if m.Partial {
				t.Errorf("a full match marked partial")
			}
		}
		if len(d.Partial) > 0 {
			partial++
		}
	}
	t.Logf("%d understaffed shifts in the coming week: each has at least %d full matches; %d of those asked have partial ones (%s)",
		len(understaffed), fewest, partial, time.Since(started).Round(time.Millisecond))
	if partial == 0 {
		t.Errorf("no understaffed shift has a partial match")
	}
}
