// Command availability benchmarks the availability index: it seeds 100,000
// volunteers with realistic availability (weekly windows, exceptions, time
// zones, skills) and a fortnight of shifts with assignments into a database
// of its own, builds the index in Redis, then times "who may take this
// 4-hour shift?" from Redis (one EVALSHA) and from the SQL fallback on the
// same database, checks that both give the same volunteers, and prints the
// median and 99th percentile of each, their ratio and the Redis memory the
// index takes.
//
//	go run ./bench/availability                          # $KONULLU_TEST_DATABASE_URL and $KONULLU_TEST_REDIS_URL when set
//	go run ./bench/availability -db postgres://postgres@127.0.0.1:5432/postgres -redis redis://127.0.0.1:6379/0
//	go run ./bench/availability -db "" -redis ""         # SQLite and the embedded Redis
//
// On PostgreSQL it creates (and afterwards drops) a database named
// konullu_bench_availability_…; on Redis it uses a prefix of its own and
// deletes its keys afterwards, so it may run against a shared server.
package main

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/availability"
	"github.com/konullu/konullu/redisconn"
	"github.com/konullu/konullu/store"
)

// The aims.
const (
	aimMedian = 2 * time.Millisecond
	aimRatio  = 20.0
	aimMemory = 30 << 20
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("availability", flag.ContinueOnError)
	dbURL := fs.String("db", os.Getenv("KONULLU_TEST_DATABASE_URL"), "PostgreSQL server to create the benchmark database on; empty: SQLite in a temporary directory")
	redisURL := fs.String("redis", os.Getenv("KONULLU_TEST_REDIS_URL"), "Redis URL (redisconn forms); empty: the embedded Redis")
	volunteers := fs.Int("volunteers", 100_000, "volunteers to seed")
	runs := fs.Int("runs", 200, "timed runs of each Redis match")
	sqlRuns := fs.Int("sql-runs", 200, "timed runs of each SQL query")
	seed := fs.Uint64("seed", 1, "random seed of the data")
	keep := fs.Bool("keep", false, "keep the database and the Redis keys afterwards")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := time.Now()

	db, dbName, dropDB, err := openDatabase(ctx, *dbURL, now)
	if err != nil {
		return err
	}
	defer db.Close()
	if !*keep {
		defer dropDB()
	}
	rdb, closeRedis, err := redisconn.Open(ctx, *redisURL)
	if err != nil {
		return err
	}
	defer closeRedis()
	prefix := "{konullu-bench-" + randomHex() + "}"
	if !*keep {
		defer deletePrefix(rdb, prefix)
	}
	redisName := *redisURL
	if redisName == "" {
		redisName = "embedded (miniredis)"
	}
	fmt.Fprintf(out, "database  %s %s\nredis     %s\n", db.Dialect(), dbName, redact(redisName))

	rng := rand.New(rand.NewPCG(*seed, 7))
	t0 := time.Now()
	if err := seedVolunteers(ctx, db, rng, *volunteers, now); err != nil {
		return err
	}
	fmt.Fprintf(out, "seeded    %d volunteers in %s\n", *volunteers, since(t0))
	t0 = time.Now()
	shifts, assigned, err := seedShifts(ctx, db, rng, *volunteers, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "seeded    %d shifts, %d active assignments in %s\n", shifts, assigned, since(t0))
	// Planner statistics, as autovacuum would have them on a database in
	// use: without them PostgreSQL plans the fallback as for empty tables.
	if _, err := db.SQL().ExecContext(ctx, "ANALYZE"); err != nil {
		return err
	}

	usedBefore := usedMemory(ctx, rdb)
	ix := availability.New(rdb, db, availability.Options{Prefix: prefix, Logger: logger})
	defer ix.Close()
	t0 = time.Now()
	if err := ix.Rebuild(ctx, nil); err != nil {
		return err
	}
	fmt.Fprintf(out, "built     the index in %s\n", since(t0))
	bytes, keys, err := ix.MemoryUsage(ctx)
	if err != nil {
		return err
	}
	usedAfter := usedMemory(ctx, rdb)

	// Next Monday 10:00–14:00 in Baku: a 4-hour shift in the busiest part of the week.
	baku := konullu.VolunteerLocation("Asia/Baku")
	day := konullu.DateOf(now.In(baku)).AddDate(0, 0, 7)
	for konullu.ISOWeekday(day) != 1 {
		day = day.AddDate(0, 0, 1)
	}
	start := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, baku)
	queries := []struct {
		name string
		q    konullu.FreeQuery
	}{
		{"4-hour shift, no skills", konullu.FreeQuery{Start: start, End: start.Add(4 * time.Hour)}},
		{"4-hour shift, first aid", konullu.FreeQuery{Start: start, End: start.Add(4 * time.Hour), Skills: []string{"First aid"}}},
	}
	fmt.Fprintf(out, "\nshift     %s – %s (Asia/Baku); %d runs from Redis, %d from SQL\n\n",
		start.Format("Mon 2006-01-02 15:04"), start.Add(4*time.Hour).Format("15:04"), *runs, *sqlRuns)
	fmt.Fprintf(out, "%-26s %9s %10s %10s %10s %10s %8s\n", "query", "matches", "redis p50", "redis p99", "sql p50", "sql p99", "ratio")
	var firstRatio float64
	var firstMedian time.Duration
	for i, q := range queries {
		redisIDs, err := ix.Match(ctx, q.q)
		if err != nil {
			return err
		}
		sqlIDs, err := db.FreeVolunteersSQL(ctx, q.q)
		if err != nil {
			return err
		}
		if !slices.Equal(redisIDs, sqlIDs) {
			return fmt.Errorf("%s: Redis found %d volunteers, SQL %d: they must agree", q.name, len(redisIDs), len(sqlIDs))
		}
		rp50, rp99, err := timeRuns(*runs, func() error { _, err := ix.Match(ctx, q.q); return err })
		if err != nil {
			return err
		}
		sp50, sp99, err := timeRuns(*sqlRuns, func() error { _, err := db.FreeVolunteersSQL(ctx, q.q); return err })
		if err != nil {
			return err
		}
		ratio := float64(sp50) / float64(rp50)
		if i == 0 {
			firstRatio, firstMedian = ratio, rp50
		}
		fmt.Fprintf(out, "%-26s %9d %10s %10s %10s %10s %7.0f×\n", q.name, len(redisIDs), ms(rp50), ms(rp99), ms(sp50), ms(sp99), ratio)
	}
	ping50, _, _ := timeRuns(*runs, func() error { return rdb.Ping(ctx).Err() })
	fmt.Fprintf(out, "%-26s %9s %10s\n", "(Redis PING, for scale)", "", ms(ping50))

	fmt.Fprintf(out, "\nmemory    %.1f MB in %d keys (MEMORY USAGE summed); used_memory grew by %.1f MB\n",
		float64(bytes)/(1<<20), keys, float64(usedAfter-usedBefore)/(1<<20))
	fmt.Fprintf(out, "aims      median < %s: %s; ≥ %.0f× faster than SQL: %s; < %d MB: %s\n",
		ms(aimMedian), verdict(firstMedian < aimMedian), aimRatio, verdict(firstRatio >= aimRatio), aimMemory>>20, verdict(bytes < aimMemory))
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func since(t time.Time) string { return time.Since(t).Round(10 * time.Millisecond).String() }

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// timeRuns runs f a few times to warm up, then n times, and returns the
// median and the 99th percentile.
func timeRuns(n int, f func() error) (p50, p99 time.Duration, err error) {
	for range 5 {
		if err := f(); err != nil {
			return 0, 0, err
		}
	}
	d := make([]time.Duration, n)
	for i := range d {
		t := time.Now()
		if err := f(); err != nil {
			return 0, 0, err
		}
		d[i] = time.Since(t)
	}
	slices.Sort(d)
	return d[n/2], d[min(n-1, (n*99+99)/100-1)], nil
}

// openDatabase creates a fresh database on the PostgreSQL server of base, or
// a SQLite file when base is empty, and migrates it.
func openDatabase(ctx context.Context, base string, now time.Time) (*store.DB, string, func(), error) {
	opts := store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }}
	if base == "" {
		dir, err := os.MkdirTemp("", "konullu-bench-")
		if err != nil {
			return nil, "", nil, err
		}
		path := filepath.Join(dir, "bench.db")
		db, err := store.Open(ctx, "sqlite:"+path, opts)
		if err == nil {
			err = db.Migrate(ctx)
		}
		return db, path, func() { os.RemoveAll(dir) }, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, "", nil, err
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, "", nil, err
	}
	name := "konullu_bench_availability_" + randomHex()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return nil, "", nil, fmt.Errorf("create database: %w", err)
	}
	drop := func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	}
	u.Path = "/" + name
	db, err := store.Open(ctx, u.String(), opts)
	if err != nil {
		drop()
		return nil, "", nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		drop()
		return nil, "", nil, err
	}
	return db, name, drop, nil
}

// seedVolunteers creates volunteers whose availability looks like students'
// and young workers': afternoons on weekdays, weekends, some mornings, a
// few hours here and there; a third have exceptions in the next two months.
func seedVolunteers(ctx context.Context, db *store.DB, rng *rand.Rand, n int, now time.Time) error {
	cities := []string{"Bakı", "Bakı", "Bakı", "Bakı", "Sumqayıt", "Gəncə", "Mingəçevir", "Şəki", "Lənkəran"}
	today := konullu.DateOf(now.In(konullu.VolunteerLocation("Asia/Baku")))
	clock := func(q int) string { return konullu.FormatClock(q * konullu.SlotMinutes) }
	batch := make([]store.SeedVolunteer, 0, 5000)
	for i := 0; i < n; i++ {
		s := store.SeedVolunteer{Account: konullu.NewAccount{
			Email:     fmt.Sprintf("bench%d@example.az", i),
			FullName:  fmt.Sprintf("Könüllü %d", i),
			City:      cities[rng.IntN(len(cities))],
			BirthDate: today.AddDate(-16-rng.IntN(15), 0, -rng.IntN(365)),
			Status:    konullu.VolunteerActive,
		}}
		switch p := rng.IntN(100); {
		case p < 1:
			s.Timezone = "Europe/Istanbul"
		case p < 2:
			s.Timezone = "Europe/Berlin" // students abroad, with summer time
		}
		switch p := rng.IntN(100); {
		case p < 5:
			s.Account.Status = konullu.VolunteerPending
		case p < 8:
			s.Account.Status = konullu.VolunteerSuspended
		}
		for _, sk := range []struct {
			name string
			pct  int
		}{{"First aid", 20}, {"English", 40}, {"Russian", 50}, {"Sign language", 2}} {
			if rng.IntN(100) < sk.pct {
				s.Account.Skills = append(s.Account.Skills, sk.name)
			}
		}
		var w []konullu.AvailabilityWindow
		switch rng.IntN(5) {
		case 0, 1: // afternoons after classes
			from := 13*4 + rng.IntN(13)
			for wd := 1; wd <= 5; wd++ {
				if rng.IntN(5) > 0 {
					w = append(w, konullu.AvailabilityWindow{Weekday: wd, Start: clock(from), End: clock(from + 16 + rng.IntN(16))})
				}
			}
		case 2: // weekends
			for wd := 6; wd <= 7; wd++ {
				from := 9*4 + rng.IntN(9)
				w = append(w, konullu.AvailabilityWindow{Weekday: wd, Start: clock(from), End: clock(from + 16 + rng.IntN(20))})
			}
		case 3: // mornings
			for wd := 1; wd <= 6; wd++ {
				if rng.IntN(3) > 0 {
					w = append(w, konullu.AvailabilityWindow{Weekday: wd, Start: clock(8*4 + rng.IntN(8)), End: clock(12*4 + rng.IntN(9))})
				}
			}
		default: // a few hours here and there
			for range 1 + rng.IntN(5) {
				from := 8*4 + rng.IntN(44)
				w = append(w, konullu.AvailabilityWindow{Weekday: 1 + rng.IntN(7), Start: clock(from), End: clock(min(96, from+8+rng.IntN(24)))})
			}
		}
		s.Availability.Weekly = w
		if rng.IntN(3) == 0 {
			for range 1 + rng.IntN(3) {
				x := konullu.AvailabilityException{Date: today.AddDate(0, 0, 1+rng.IntN(60))}
				if rng.IntN(4) == 0 {
					x.Available = true
					from := 9*4 + rng.IntN(32)
					x.Start, x.End = clock(from), clock(from+8+rng.IntN(16))
				}
				s.Availability.Exceptions = append(s.Availability.Exceptions, x)
			}
		}
		batch = append(batch, s)
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := db.SeedVolunteers(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return nil
}

// seedShifts creates 20 centres with four shifts a day for two weeks and
// signs volunteers up for about two thirds of the places, through the
// store's signup (its rules and invariants hold).
func seedShifts(ctx context.Context, db *store.DB, rng *rand.Rand, volunteers int, now time.Time) (shifts, assigned int, err error) {
	baku := konullu.VolunteerLocation("Asia/Baku")
	pos := &konullu.Position{Name: "Reception guide"}
	if err := db.CreatePosition(ctx, pos); err != nil {
		return 0, 0, err
	}
	type place struct{ shift int64 }
	var places []place
	today := konullu.DateOf(now.In(baku))
	for c := range 20 {
		centre := &konullu.Centre{Name: fmt.Sprintf("ASAN xidmət №%d", c+1), City: "Bakı", Timezone: "Asia/Baku"}
		if err := db.CreateCentre(ctx, centre); err != nil {
			return 0, 0, err
		}
		var periods []konullu.Period
		for d := 1; d <= 14; d++ {
			day := today.AddDate(0, 0, d)
			for _, h := range []int{8, 10, 12, 16} {
				start := time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, baku)
				periods = append(periods, konullu.Period{StartsAt: start, EndsAt: start.Add(4 * time.Hour)})
			}
		}
		created, err := db.CreateShifts(ctx, konullu.NewShifts{CentreID: centre.ID, PositionID: pos.ID, Capacity: 8, Publish: true, Periods: periods})
		if err != nil {
			return 0, 0, err
		}
		for _, s := range created {
			shifts++
			for range 5 + rng.IntN(4) {
				places = append(places, place{s.ID})
			}
		}
	}
	// Signups in parallel on PostgreSQL (row locks), one at a time on SQLite.
	workers := 1
	if db.Dialect() == store.Postgres {
		workers = 8
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	next := make(chan place)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				mu.Lock()
				v := int64(1 + rng.IntN(volunteers))
				mu.Unlock()
				_, err := db.SignUp(ctx, p.shift, v, true)
				mu.Lock()
				switch code := konullu.ErrorCode(err); {
				case err == nil:
					assigned++
				case code == konullu.EINTERNAL && firstErr == nil:
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, p := range places {
		next <- p
	}
	close(next)
	wg.Wait()
	return shifts, assigned, firstErr
}

func usedMemory(ctx context.Context, rdb redis.UniversalClient) int64 {
	info, err := rdb.InfoMap(ctx, "memory").Result()
	if err != nil {
		return 0
	}
	var n int64
	fmt.Sscan(info["Memory"]["used_memory"], &n)
	return n
}

func deletePrefix(rdb redis.UniversalClient, prefix string) {
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		if keys = append(keys, iter.Val()); len(keys) == 500 {
			rdb.Unlink(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		rdb.Unlink(ctx, keys...)
	}
}

func randomHex() string {
	b := make([]byte, 4)
	crand.Read(b)
	return hex.EncodeToString(b)
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
