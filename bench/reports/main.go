// Command reports benchmarks participation reports and exports on
// PostgreSQL: it loads 50,000 volunteers and 1,000,000 assignments over 12
// months into a database of its own (with COPY), then times the yearly
// report of all centres and a one-month report of one centre (median of
// several runs), the retention table, and streams the participation CSV of
// a month and of the year while sampling the heap, to show that an export's
// memory does not grow with its rows.
//
//	go run ./bench/reports                      # KONULLU_TEST_DATABASE_URL names the server
//	go run ./bench/reports -db postgres://postgres@127.0.0.1:5432/postgres -reuse
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/reports"
	"github.com/konullu/konullu/store"
)

// aim is the target for the yearly report of all centres.
const aim = 500 * time.Millisecond

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("reports", flag.ContinueOnError)
	base := fs.String("db", os.Getenv("KONULLU_TEST_DATABASE_URL"), "PostgreSQL server URL (default $KONULLU_TEST_DATABASE_URL)")
	name := fs.String("name", "konullu_bench", "database to (re)create on that server")
	reuse := fs.Bool("reuse", false, "keep the database of an earlier run when it holds the same data")
	volunteers := fs.Int("volunteers", 50_000, "volunteers to load")
	assignments := fs.Int("assignments", 1_000_000, "assignments to load")
	runs := fs.Int("runs", 7, "runs of each report (the median is reported)")
	keep := fs.Bool("keep", true, "keep the database afterwards (for -reuse)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the yearly reports to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *base == "" {
		return errors.New("give a PostgreSQL server with -db or KONULLU_TEST_DATABASE_URL")
	}
	u, err := url.Parse(*base)
	if err != nil {
		return err
	}
	u.Path = "/" + *name
	dbURL := u.String()

	loc, err := time.LoadLocation(konullu.DefaultTimezone)
	if err != nil {
		return err
	}
	now := time.Now()
	today := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, loc)
	d := dataset{Volunteers: *volunteers, Assignments: *assignments, Centres: 20, Positions: 5,
		First: today.AddDate(-1, 0, 0), Last: today.AddDate(0, 0, -1), Loc: loc}

	admin, err := pgx.Connect(ctx, *base)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer admin.Close(ctx)
	var version string
	admin.QueryRow(ctx, `SHOW server_version`).Scan(&version)
	fmt.Fprintf(out, "PostgreSQL %s, Go %s, %d CPUs (GOMAXPROCS %d)\n", version, runtime.Version(), runtime.NumCPU(), runtime.GOMAXPROCS(0))

	loaded := false
	if *reuse {
		loaded = sameData(ctx, dbURL, d)
	}
	if !loaded {
		if _, err := admin.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{*name}.Sanitize()+` WITH (FORCE)`); err != nil {
			return err
		}
		if _, err := admin.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{*name}.Sanitize()); err != nil {
			return err
		}
	}
	if !*keep {
		defer admin.Exec(context.Background(), `DROP DATABASE IF EXISTS `+pgx.Identifier{*name}.Sanitize()+` WITH (FORCE)`)
	}
	db, err := store.Open(ctx, dbURL, store.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if loaded {
		fmt.Fprintf(out, "reusing database %s (%d volunteers, %d assignments)\n", *name, d.Volunteers, d.Assignments)
	} else {
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			return err
		}
		t0 := time.Now()
		err = load(ctx, conn, d, now, func(f string, a ...any) { fmt.Fprintf(out, "  "+f+"\n", a...) })
		conn.Close(ctx)
		if err != nil {
			return fmt.Errorf("load: %w", err)
		}
		t1 := time.Now()
		res, err := db.TallyHours(ctx, now, konullu.TallyOptions{Full: true})
		if err != nil {
			return fmt.Errorf("hour tally: %w", err)
		}
		fmt.Fprintf(out, "setup: loaded in %s, hour tallies (%d rows) in %s\n",
			t1.Sub(t0).Round(time.Millisecond), res.Rows, time.Since(t1).Round(time.Millisecond))
	}

	year := konullu.ReportQuery{From: date(d.First), To: date(d.Last), Location: loc}
	lastMonth := konullu.ReportQuery{From: date(d.Last).AddDate(0, 0, -29), To: date(d.Last), Location: loc, CentreIDs: []int64{1}}

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
	}
	var yearly *konullu.ParticipationReport
	yearTime, err := timeRuns(*runs, func() (err error) {
		yearly, err = db.ParticipationReport(ctx, year)
		return err
	})
	if err != nil {
		return err
	}
	if *cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	fmt.Fprintf(out, "\nyearly report, all centres (%s – %s): %d assignments, %d active volunteers, %d hours\n",
		year.From.Format(time.DateOnly), year.To.Format(time.DateOnly), yearly.Total.Assignments, yearly.Total.ActiveVolunteers, yearly.Total.Minutes/60)
	fmt.Fprintf(out, "  median %s over %d runs (min %s, max %s); aim %s: %.2f× the aim\n",
		yearTime.median, *runs, yearTime.min, yearTime.max, aim, float64(yearTime.median)/float64(aim))

	var monthly *konullu.ParticipationReport
	monthTime, err := timeRuns(*runs, func() (err error) {
		monthly, err = db.ParticipationReport(ctx, lastMonth)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "one-month report, one centre: %d assignments, %d active volunteers\n", monthly.Total.Assignments, monthly.Total.ActiveVolunteers)
	fmt.Fprintf(out, "  median %s over %d runs (min %s, max %s)\n", monthTime.median, *runs, monthTime.min, monthTime.max)

	retTime, err := timeRuns(3, func() error {
		_, err := db.Retention(ctx, konullu.RetentionQuery{To: year.To, Months: 12, Location: loc})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "retention, 12 months, all centres (hour tallies): median %s over 3 runs\n", retTime.median)

	fmt.Fprintln(out, "\nparticipation.csv export (one row per assignment), peak heap while streaming:")
	month := konullu.ReportQuery{From: date(d.Last).AddDate(0, -1, 1), To: date(d.Last), Location: loc}
	for _, q := range []konullu.ReportQuery{month, year} {
		rows, n, took, peak, err := measureExport(ctx, db, q)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %9d rows, %6.1f MB of CSV in %6s (%7.0f rows/s), peak heap in use %5.1f MB above the start\n",
			rows, float64(n)/1e6, took.Round(time.Millisecond), float64(rows)/took.Seconds(), float64(peak)/1e6)
	}
	return nil
}

func date(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// sameData reports whether the database already holds the dataset.
func sameData(ctx context.Context, dbURL string, d dataset) bool {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	var vols, asg int
	var first, last time.Time
	err = conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM volunteers), (SELECT count(*) FROM assignments),
		(SELECT min(starts_at) FROM shifts), (SELECT max(starts_at) FROM shifts)`).Scan(&vols, &asg, &first, &last)
	return err == nil && vols == d.Volunteers && asg == d.Assignments &&
		first.In(d.Loc).Format(time.DateOnly) == d.First.Format(time.DateOnly) &&
		last.In(d.Loc).Format(time.DateOnly) == d.Last.Format(time.DateOnly)
}

type timing struct{ median, min, max time.Duration }

// timeRuns runs fn once to warm up, then n times, and returns the median.
func timeRuns(n int, fn func() error) (timing, error) {
	if err := fn(); err != nil {
		return timing{}, err
	}
	var ds []time.Duration
	for i := 0; i < n; i++ {
		t0 := time.Now()
		if err := fn(); err != nil {
			return timing{}, err
		}
		ds = append(ds, time.Since(t0))
	}
	slices.Sort(ds)
	r := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	return timing{median: r(ds[len(ds)/2]), min: r(ds[0]), max: r(ds[len(ds)-1])}, nil
}

// countingWriter throws the bytes away and counts them.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// measureExport streams the participation CSV of q while sampling
// HeapInuse every 2 ms, and returns the rows, bytes, time and the peak of
// the heap above where it stood before.
func measureExport(ctx context.Context, db *store.DB, q konullu.ReportQuery) (rows int, bytes int64, took time.Duration, peak uint64, err error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseline := ms.HeapInuse
	var maxInuse uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		var s runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&s)
				maxInuse = max(maxInuse, s.HeapInuse)
			}
		}
	}()
	w := &countingWriter{}
	t0 := time.Now()
	rows, err = reports.WriteParticipationCSV(ctx, w, db, q)
	took = time.Since(t0)
	close(stop)
	wg.Wait()
	if maxInuse > baseline {
		peak = maxInuse - baseline
	}
	return rows, w.n, took, peak, err
}
