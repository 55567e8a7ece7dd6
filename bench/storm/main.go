// Command storm is Könüllü's load and fault test: a signup storm against
// three server instances that share one PostgreSQL database and one Redis,
// all started for the run on loopback ports (a throwaway PostgreSQL cluster
// and redis-server of its own, never the machine's shared ones).
//
//	go run ./bench/storm                           # the storm, its baselines and the invariant check
//	go run ./bench/storm -fault kill-instance      # SIGKILL one instance halfway
//	go run ./bench/storm -fault restart-redis      # restart Redis halfway
//	go run ./bench/storm -fault restart-postgres   # restart PostgreSQL halfway
//
// It measures, in the same run and over the same HTTP clients, the floor of
// HTTP and GraphQL (`{ __typename }`) and the storage limit (the bare signup
// transaction through the store, with as many connections as the three
// instances have), then the storm, and prints each with its ratios. After the
// storm it checks every invariant of DESIGN on the database and that every
// signup the API confirmed is there. It stops by itself, and exits non-zero
// when an invariant or a confirmed signup is broken.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/konullu/konullu/store"
)

type options struct {
	volunteers, shifts, clients, perVolunteer int
	baselineVolunteers, baselineShifts        int
	fault                                     string
	withdrawPercent                           int
	keep                                      bool
}

func main() {
	var o options
	flag.IntVar(&o.volunteers, "volunteers", 10_000, "volunteers in the storm")
	flag.IntVar(&o.shifts, "shifts", 500, "shifts in the storm")
	flag.IntVar(&o.clients, "clients", 200, "concurrent HTTP clients")
	flag.IntVar(&o.perVolunteer, "signups", 3, "signups each volunteer tries")
	flag.IntVar(&o.withdrawPercent, "withdraw", 10, "percent of confirmed places given back (so waitlists move up)")
	flag.IntVar(&o.baselineVolunteers, "baseline-volunteers", 2_000, "volunteers of the bare-transaction baseline")
	flag.IntVar(&o.baselineShifts, "baseline-shifts", 100, "shifts of the bare-transaction baseline")
	flag.StringVar(&o.fault, "fault", "none", "none, kill-instance, restart-redis or restart-postgres")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (logs, database) afterwards")
	flag.Parse()
	switch o.fault {
	case "none", "kill-instance", "restart-redis", "restart-postgres":
	default:
		fmt.Fprintln(os.Stderr, "storm: -fault must be none, kill-instance, restart-redis or restart-postgres")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ok, err := run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "storm:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Printf("[%s] "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func run(ctx context.Context, o options) (bool, error) {
	root, err := os.MkdirTemp("", "konullu-storm-")
	if err != nil {
		return false, err
	}
	os.Chmod(root, 0o755) // PostgreSQL runs as its own user below it
	if o.keep {
		logf("working in %s (kept)", root)
	} else {
		defer os.RemoveAll(root)
	}
	logf("building the server")
	bin, err := buildServer(ctx, root)
	if err != nil {
		return false, err
	}
	logf("starting a PostgreSQL cluster and a redis-server for this run")
	pg, err := startPostgres(filepath.Join(root, "data"))
	if err != nil {
		return false, err
	}
	defer pg.stop()
	rds, err := startRedis(root)
	if err != nil {
		return false, err
	}
	defer rds.stop()
	conn, err := pgx.Connect(ctx, pg.url("postgres"))
	if err != nil {
		return false, err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE konullu_storm"); err != nil {
		return false, err
	}
	conn.Close(ctx)
	dbURL := pg.url("konullu_storm")

	db, err := store.Open(ctx, dbURL, store.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return false, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return false, err
	}
	rnd := rand.New(rand.NewPCG(7, 11))
	logf("seeding %d volunteers with sessions, %d shifts (and %d volunteers, %d shifts for the storage baseline)",
		o.volunteers, o.shifts, o.baselineVolunteers, o.baselineShifts)
	data, err := seed(ctx, db, o, rnd)
	if err != nil {
		return false, err
	}

	env := []string{"KONULLU_DATABASE_URL=" + dbURL, "KONULLU_REDIS_URL=" + rds.url(), "KONULLU_LOG_LEVEL=warn"}
	var instances []*instance
	defer func() {
		for _, in := range instances {
			in.stop()
		}
	}()
	for n := 1; n <= 3; n++ {
		e := env
		if n > 1 {
			e = append(e, "KONULLU_JOBS=off") // one instance schedules; all deliver
		}
		in, err := startInstance(bin, root, n, e)
		if err != nil {
			return false, err
		}
		instances = append(instances, in)
	}
	logf("three instances ready: %s, %s, %s", instances[0].url, instances[1].url, instances[2].url)

	cl := newClients(o.clients, instances)
	logf("baseline 1: { __typename } over the same %d clients", o.clients)
	floor := cl.typename(ctx, 3*o.volunteers)
	logf("baseline 2: the bare signup transaction through the store, %d goroutines, 60 connections", o.clients)
	storage := bareSignups(ctx, db, data.baseline, o.clients)

	f := newFault(o.fault, instances, rds, pg)
	if f != nil {
		f.adminToken, f.shiftID = data.adminToken, data.storm.shifts[0].ID
	}
	logf("the storm: %d volunteers × %d signups over %d shifts, %d clients; fault: %s", o.volunteers, o.perVolunteer, o.shifts, o.clients, o.fault)
	res := cl.storm(ctx, data, o, f)
	if f != nil && f.afterStorm != nil {
		f.afterStorm(ctx, cl)
	}
	report(o, floor, storage, res, f)

	logf("checking the invariants on the database")
	ok := verify(ctx, db, res)
	if res.lost > 0 {
		ok = false
	}
	if ok {
		fmt.Println("RESULT: every invariant holds and every confirmed signup is in the database")
	} else {
		fmt.Println("RESULT: FAILED (see above)")
	}
	return ok, nil
}
