package schema_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/schema"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// programmeBenchSeed fills an empty, migrated PostgreSQL database with
// generate_series (no row leaves the server): 20 centres, 5 positions,
// 50,000 volunteers, 125,000 shifts over 2025 and 1,000,000 assignments
// (8 a shift; 80% attended, 10% no-shows, 10% cancelled; each volunteer's
// spread over the year), a cohort of 2025 with 20,000 applications (40%
// submitted, 10% rejected, 10% at the interview, 10% waitlisted, 30%
// accepted: 6,000, each the account of a volunteer above) and a cohort of
// 2024 with 5,000 more.
var programmeBenchSeed = []string{
	`INSERT INTO centres (id, name, city, address, timezone, created_at)
		SELECT g, 'Bakı ' || g || ' saylı ASAN xidmət mərkəzi', 'Bakı', '', 'Asia/Baku', now() FROM generate_series(1, 20) g`,
	`INSERT INTO positions (id, name, created_at) SELECT g, 'Position ' || g, now() FROM generate_series(1, 5) g`,
	`INSERT INTO users (id, email, password_hash, created_at) SELECT g, 'v' || g || '@bench.az', '', now() FROM generate_series(1, 50000) g`,
	`INSERT INTO user_roles (user_id, role) SELECT g, 'VOLUNTEER' FROM generate_series(1, 50000) g`,
	`INSERT INTO volunteers (id, user_id, full_name, birth_date, status, created_at)
		SELECT g, g, 'Volunteer ' || g, DATE '1995-01-01' + g % 4000, 'ACTIVE', now() FROM generate_series(1, 50000) g`,
	`INSERT INTO shifts (id, centre_id, position_id, starts_at, ends_at, capacity, status, queue_seq, created_at, updated_at)
		SELECT g, g % 20 + 1, g % 5 + 1, t, t + interval '4 hours', 10, 'PUBLISHED', 8, now(), now()
		FROM (SELECT g, timestamptz '2025-01-01 05:00:00Z' + g * interval '252 seconds' AS t FROM generate_series(1, 125000) g) x`,
	`INSERT INTO assignments (id, shift_id, volunteer_id, status, queue_seq, credited_minutes, created_at, updated_at)
		SELECT n + 1, n / 8 + 1, (n::bigint * 7919) % 50000 + 1,
			CASE n % 10 WHEN 0 THEN 'NO_SHOW' WHEN 1 THEN 'CANCELLED' ELSE 'COMPLETED' END, n % 8 + 1,
			CASE WHEN n % 10 > 1 THEN 240 ELSE 0 END, now(), now()
		FROM generate_series(0, 999999) n`,
	`INSERT INTO cohorts (id, name, opens_at, closes_at, places, created_at) VALUES
		(1, 'Bench 2025', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 100000, now()),
		(2, 'Bench 2024', '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z', 100000, now())`,
	`INSERT INTO cohort_centres (cohort_id, centre_id) SELECT c, g FROM generate_series(1, 2) c, generate_series(1, 20) g`,
	`INSERT INTO applications (id, cohort_id, full_name, email, search_text, birth_date, status, interview_at, volunteer_id,
			decided_at, created_at, updated_at)
		SELECT g, c, name, email, lower(name || ' ' || email), DATE '2005-01-01' + g % 2500, status,
			CASE WHEN status IN ('INTERVIEW', 'WAITLISTED', 'ACCEPTED') THEN at + interval '5 days' END,
			CASE WHEN status = 'ACCEPTED' THEN g END,
			CASE WHEN status IN ('WAITLISTED', 'ACCEPTED', 'REJECTED') THEN at + interval '9 days' END, at, at
		FROM (SELECT g, CASE WHEN g <= 20000 THEN 1 ELSE 2 END AS c,
				(ARRAY['Aysel', 'Leyla', 'Günel', 'Nərmin', 'Tural', 'Rəşad', 'Orxan', 'Vüqar', 'Fərid', 'Zəhra', 'Kənan'])[g % 11 + 1]
					|| ' ' || (ARRAY['Məmmədova', 'Əliyeva', 'Həsənov', 'Quliyev', 'İsmayılov', 'Rəhimov', 'Cəfərov', 'Qasımov', 'Hacıyev', 'Bağırlı', 'Sadıqova', 'Şükürov', 'Əlizadə'])[g % 13 + 1] AS name,
				'applicant' || g || '@bench.az' AS email,
				(ARRAY['SUBMITTED', 'SUBMITTED', 'SUBMITTED', 'SUBMITTED', 'REJECTED', 'INTERVIEW', 'WAITLISTED', 'ACCEPTED', 'ACCEPTED', 'ACCEPTED'])[g % 10 + 1] AS status,
				CASE WHEN g <= 20000 THEN timestamptz '2025-01-01T00:00:00Z' + g * interval '1576 seconds'
					ELSE timestamptz '2024-01-01T00:00:00Z' + (g - 20000) * interval '6300 seconds' END AS at
			FROM generate_series(1, 25000) g) x`,
	`SELECT setval(pg_get_serial_sequence('users', 'id'), 50000)`,
	`SELECT setval(pg_get_serial_sequence('volunteers', 'id'), 50000)`,
	`SELECT setval(pg_get_serial_sequence('centres', 'id'), 20)`,
	`SELECT setval(pg_get_serial_sequence('positions', 'id'), 5)`,
	`SELECT setval(pg_get_serial_sequence('shifts', 'id'), 125000)`,
	`SELECT setval(pg_get_serial_sequence('assignments', 'id'), 1000000)`,
	`SELECT setval(pg_get_serial_sequence('cohorts', 'id'), 2)`,
	`SELECT setval(pg_get_serial_sequence('applications', 'id'), 25000)`,
	`VACUUM ANALYZE`,
}

// programmeBenchTraining adds the training: two courses with a session
// every 50th shift (2,500), their qualifications held (by passing the
// course) by 90% of the volunteers, expiring over 2025–2027, and a third
// qualification granted to a third of them.
var programmeBenchTraining = []string{
	`INSERT INTO qualifications (id, name, name_key, validity_months, created_at) VALUES
		(1, 'ASAN School basic course', 'asan school basic course', 24, now()), (2, 'First aid', 'first aid', 12, now()),
		(3, 'English B2', 'english b2', NULL, now())`,
	`INSERT INTO courses (id, name, qualification_id, created_at) VALUES (1, 'ASAN School', 1, now()), (2, 'First aid course', 2, now())`,
	`UPDATE shifts SET kind = 'TRAINING', course_id = 1 + id % 2 WHERE id % 50 = 0`,
	`INSERT INTO held_qualifications (volunteer_id, qualification_id, granted_at, expires_at, source, course_id)
		SELECT g, 1 + g % 2, timestamptz '2025-06-01T00:00:00Z', timestamptz '2025-06-01T00:00:00Z' + (g % 900) * interval '1 day', 'COURSE', 1 + g % 2
		FROM generate_series(1, 50000) g WHERE g % 10 <> 9`,
	`INSERT INTO held_qualifications (volunteer_id, qualification_id, granted_at, source)
		SELECT g, 3, timestamptz '2025-03-01T00:00:00Z', 'GRANT' FROM generate_series(1, 50000) g WHERE g % 3 = 0`,
	`SELECT setval(pg_get_serial_sequence('qualifications', 'id'), 3)`,
	`SELECT setval(pg_get_serial_sequence('courses', 'id'), 2)`,
	`VACUUM ANALYZE`,
}

// BenchmarkProgramme times, on PostgreSQL, the programme's two aims
// through the API over HTTP as a staff member: the funnel report of a year
// with 20,000 applications and 1,000,000 assignments (aim: under 1 s), and
// the applications board of a cohort of 20,000 (listing and filtering,
// aim: p50 under 100 ms), beside the floor of `{ __typename }`.
//
//	KONULLU_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable \
//	  go test -run '^$' -bench BenchmarkProgramme -benchtime 1x ./schema/
//
// With KONULLU_BENCH_PROGRAMME_URL (an existing, empty database) the seeded data is kept for the next run.
func BenchmarkProgramme(b *testing.B) {
	if os.Getenv(storetest.EnvDatabaseURL) == "" {
		b.Skip("PostgreSQL only: set " + storetest.EnvDatabaseURL)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	var db *store.DB
	// KONULLU_BENCH_PROGRAMME_URL: a database seeded by an earlier run
	// (kept), or an empty one to migrate and seed now.
	if keep := os.Getenv("KONULLU_BENCH_PROGRAMME_URL"); keep != "" {
		db = must(store.Open(ctx, keep, store.Options{Logger: logger}))
		defer db.Close()
		if err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
	} else {
		db = storetest.Open(b, store.Options{Logger: logger})
	}
	var seeded int
	must(0, db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM cohorts`).Scan(&seeded))
	hash := must(konullu.HashPassword(password, testArgon2))
	if seeded == 0 {
		started := time.Now()
		for _, q := range programmeBenchSeed {
			if _, err := db.SQL().ExecContext(ctx, q); err != nil {
				b.Fatalf("seed: %v\n%s", err, q)
			}
		}
		fmt.Printf("seeded in %s\n", time.Since(started).Round(time.Millisecond))
		staff := must(db.CreateAccount(ctx, konullu.NewAccount{Email: "staff@bench.az", PasswordHash: hash, FullName: "Staff",
			BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive}))
		must(db.GrantRole(ctx, staff.ID, konullu.RoleStaff, nil))
	}
	var trained int
	must(0, db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM courses`).Scan(&trained))
	if trained == 0 {
		started := time.Now()
		for _, q := range programmeBenchTraining {
			if _, err := db.SQL().ExecContext(ctx, q); err != nil {
				b.Fatalf("seed: %v\n%s", err, q)
			}
		}
		fmt.Printf("training seeded in %s\n", time.Since(started).Round(time.Millisecond))
	}
	srv := httptest.NewServer(schema.NewHandler(schema.Config{Store: db, Logger: logger, Argon2: testArgon2}))
	defer srv.Close()
	token := benchLogin(b, srv.URL, "staff@bench.az")

	// p50 of n runs of a request, after two to warm up.
	timed := func(n int, query string, vars map[string]any) (p50, p90 time.Duration, data json.RawMessage) {
		var times []time.Duration
		for i := 0; i < n+2; i++ {
			t := time.Now()
			data = benchPost(b, srv.URL, token, query, vars)
			if i >= 2 {
				times = append(times, time.Since(t))
			}
		}
		slices.Sort(times)
		return times[len(times)/2], times[len(times)*9/10], data
	}
	floor, floor90, _ := timed(50, `{ __typename }`, nil)
	fmt.Printf("floor { __typename }: p50 %s p90 %s\n", ms(floor), ms(floor90))

	cohort := gid("Cohort", 1)
	var page struct {
		ApplicationConnection struct {
			TotalCount int
			PageInfo   struct{ EndCursor string }
		}
	}
	_, _, first := timed(1, boardQ, map[string]any{"c": cohort, "first": 20})
	json.Unmarshal(first, &page)
	cases := []struct {
		name string
		vars map[string]any
	}{
		{"board: first page of 20", map[string]any{"c": cohort, "first": 20}},
		{"board: next page (cursor)", map[string]any{"c": cohort, "first": 20, "after": page.ApplicationConnection.PageInfo.EndCursor}},
		{"board: status ACCEPTED", map[string]any{"c": cohort, "s": []string{"ACCEPTED"}, "first": 20}},
		{"board: status INTERVIEW, WAITLISTED", map[string]any{"c": cohort, "s": []string{"INTERVIEW", "WAITLISTED"}, "first": 20}},
		{"board: search \"nərmin\"", map[string]any{"c": cohort, "q": "nərmin", "first": 20}},
		{"board: search \"applicant1999\"", map[string]any{"c": cohort, "q": "applicant1999", "first": 20}},
		{"board: search + status", map[string]any{"c": cohort, "q": "əliyeva", "s": []string{"SUBMITTED"}, "first": 20}},
	}
	fmt.Printf("board of a cohort of %d applications:\n", page.ApplicationConnection.TotalCount)
	for _, c := range cases {
		p50, p90, _ := timed(30, boardQ, c.vars)
		fmt.Printf("  %-38s p50 %8s p90 %8s  %5.1f× floor  (aim p50 < 100 ms)\n", c.name, ms(p50), ms(p90), float64(p50)/float64(floor))
	}

	funnelQ := `query($from: DateTime!, $to: DateTime!) { programmeReport(from: $from, to: $to) {
		totals { applied interviewed accepted trained firstShift activeAfter90Days daysToFirstShift { median p90 } }
		courseCompletion { name enrolled completed } expiringQualifications { name valid expiringWithin30Days expired } } }`
	vars := map[string]any{"from": "2025-01-01T00:00:00+04:00", "to": "2026-01-01T00:00:00+04:00"}
	p50, p90, data := timed(7, funnelQ, vars)
	fmt.Printf("funnel report of 2025 (20,000 applications, 1,000,000 assignments): p50 %s p90 %s  %.2f× the 1 s aim\n  %s\n",
		ms(p50), ms(p90), p50.Seconds(), data)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
