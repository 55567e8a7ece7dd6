package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/konullu/konullu/store"
)

// check is one invariant: a query that counts the rows breaking it.
type check struct {
	name, query string
}

// invariants of DESIGN, each as the rows that would break it.
var invariants = []check{
	{"1. no shift has more CONFIRMED/CHECKED_IN/COMPLETED assignments than places",
		`SELECT COUNT(*) FROM shifts s WHERE (SELECT COUNT(*) FROM assignments a WHERE a.shift_id = s.id
			AND a.status IN ('CONFIRMED', 'CHECKED_IN', 'COMPLETED')) > s.capacity`},
	{"2. no volunteer holds two active assignments whose shifts overlap",
		`SELECT COUNT(*) FROM assignments a JOIN shifts s ON s.id = a.shift_id
			JOIN assignments b ON b.volunteer_id = a.volunteer_id AND b.id < a.id JOIN shifts t ON t.id = b.shift_id
			WHERE a.status IN ('CONFIRMED', 'WAITLISTED', 'CHECKED_IN') AND b.status IN ('CONFIRMED', 'WAITLISTED', 'CHECKED_IN')
			AND s.starts_at < t.ends_at AND t.starts_at < s.ends_at`},
	{"2. one assignment per (shift, volunteer)",
		`SELECT COUNT(*) FROM (SELECT shift_id, volunteer_id FROM assignments GROUP BY shift_id, volunteer_id HAVING COUNT(*) > 1) d`},
	{"3. waitlists are first come, first served: every confirmed place was taken before every waiting one",
		`SELECT COUNT(*) FROM shifts s WHERE (SELECT MAX(queue_seq) FROM assignments a WHERE a.shift_id = s.id AND a.status = 'CONFIRMED')
			> (SELECT MIN(queue_seq) FROM assignments a WHERE a.shift_id = s.id AND a.status = 'WAITLISTED')`},
	{"3. nobody waits while a future shift has a free place",
		`SELECT COUNT(*) FROM shifts s WHERE s.status = 'PUBLISHED' AND s.starts_at > now()
			AND EXISTS (SELECT 1 FROM assignments a WHERE a.shift_id = s.id AND a.status = 'WAITLISTED')
			AND (SELECT COUNT(*) FROM assignments a WHERE a.shift_id = s.id AND a.status IN ('CONFIRMED', 'CHECKED_IN', 'COMPLETED')) < s.capacity`},
	{"4. a reminder of one kind at most once per assignment",
		`SELECT COUNT(*) FROM (SELECT assignment_id, kind FROM reminders GROUP BY assignment_id, kind HAVING COUNT(*) > 1) d`},
	{"5. minutes are credited only for attended time within the shift",
		`SELECT COUNT(*) FROM assignments a JOIN shifts s ON s.id = a.shift_id WHERE (a.status <> 'COMPLETED' AND a.credited_minutes <> 0)
			OR (a.status = 'COMPLETED' AND a.credited_minutes <> GREATEST(0, FLOOR(EXTRACT(EPOCH FROM
				(LEAST(a.checked_out_at, s.ends_at) - GREATEST(a.checked_in_at, s.starts_at))) / 60)))`},
	{"5. tallies agree with assignments",
		`SELECT COUNT(*) FROM (SELECT volunteer_id, SUM(minutes) m FROM hour_tallies GROUP BY volunteer_id) t
			WHERE t.m <> (SELECT COALESCE(SUM(credited_minutes), 0) FROM assignments a WHERE a.volunteer_id = t.volunteer_id AND a.status = 'COMPLETED')`},
	{"6. times are stored in UTC (timestamptz) and every centre has a time zone",
		`SELECT COUNT(*) FROM centres WHERE timezone = '' OR timezone IS NULL`},
}

// verify checks the invariants and the ledgers of what the API answered
// (one per phase; their assignments are apart, as their volunteers are).
func verify(ctx context.Context, db *store.DB, ledgers ...[]signup) bool {
	ok := true
	for _, c := range invariants {
		var n int
		if err := db.SQL().QueryRowContext(ctx, c.query).Scan(&n); err != nil {
			fmt.Printf("  ERROR %s: %v\n", c.name, err)
			ok = false
			continue
		}
		mark := "ok  "
		if n != 0 {
			mark, ok = "FAIL", false
		}
		fmt.Printf("  %s %s (%d violations)\n", mark, c.name, n)
	}
	// Every signup the API answered is in the database as answered (a
	// waitlisted one may have moved up since; a withdrawn one is cancelled).
	type row struct {
		volunteer, shift int64
		status           string
	}
	rows, err := db.SQL().QueryContext(ctx, `SELECT id, volunteer_id, shift_id, status FROM assignments`)
	if err != nil {
		fmt.Println("  ERROR reading assignments:", err)
		return false
	}
	all := map[int64]row{}
	for rows.Next() {
		var id int64
		var r row
		rows.Scan(&id, &r.volunteer, &r.shift, &r.status)
		all[id] = r
	}
	rows.Close()
	// A volunteer may sign up again for a shift they withdrew from: the same
	// assignment comes back. What counts is the last answer about each.
	last := map[int64]signup{}
	var sizes []string
	for _, ledger := range ledgers {
		for _, s := range ledger {
			last[s.assignment] = s
		}
		sizes = append(sizes, strconv.Itoa(len(ledger)))
	}
	lost, wrong, maybe := 0, 0, 0
	for _, s := range last {
		r, found := all[s.assignment]
		if s.maybeWithdrawn {
			maybe++
		}
		switch {
		case !found || r.volunteer != s.volunteer || r.shift != s.shift:
			lost++
		case s.maybeWithdrawn && r.status == "CANCELLED":
		case s.withdrawn && r.status != "CANCELLED",
			!s.withdrawn && s.status == "CONFIRMED" && r.status != "CONFIRMED",
			!s.withdrawn && s.status == "WAITLISTED" && r.status != "WAITLISTED" && r.status != "CONFIRMED":
			wrong++
		}
	}
	mark := "ok  "
	if lost+wrong > 0 {
		mark, ok = "FAIL", false
	}
	fmt.Printf("  %s every signup the API answered is in the database as answered: %d checked (answers per phase: %s), %d missing, %d in another state\n",
		mark, len(last), strings.Join(sizes, " + "), lost, wrong)
	if maybe > 0 {
		fmt.Printf("       (%d withdraws were not answered and then refused on retry: cancelled or still held both count as answered)\n", maybe)
	}
	return ok
}
