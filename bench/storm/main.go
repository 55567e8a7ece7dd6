// Command storm is Könüllü's load and fault test: signups through the API of
// three server instances that share one PostgreSQL database and one Redis,
// all started for the run on loopback ports (a throwaway PostgreSQL cluster
// and redis-server of its own, never the machine's shared ones).
//
//	go run ./bench/storm                           # the baselines, the storm, the interactive storm, the invariant check
//	go run ./bench/storm -interactive=false        # without the interactive storm
//	go run ./bench/storm -think 2s -interactive-duration 2m
//	go run ./bench/storm -fault kill-instance      # SIGKILL one instance halfway through the storm
//	go run ./bench/storm -fault restart-redis      # restart Redis halfway
//	go run ./bench/storm -fault restart-postgres   # restart PostgreSQL halfway
//
// After seeding volunteers (with sessions) and shifts straight through the
// store, it runs these phases, in the same run and over the same HTTP
// clients (-clients, 200), each on volunteers and shifts of its own:
//
//  1. The floor: `{ __typename }`, back to back: what HTTP and GraphQL cost.
//  2. The storage limit: the bare signup transaction through the store, with
//     as many goroutines as clients and as many connections as the three
//     instances have.
//  3. The storm (saturation): every volunteer signs up for -signups shifts,
//     and gives back -withdraw percent of the confirmed places, each client
//     sending its next request as soon as it has its answer. Its latency is
//     then clients / throughput (Little's law); it measures throughput, as
//     a ratio to the storage limit. A -fault is injected halfway through it.
//  4. The interactive storm (the terminal model, as TPC-C's think times): the
//     same clients and mix, but each client thinks a negative-exponential
//     time of mean -think (1 s; at most ten times that) before each request,
//     for -interactive-duration (60 s) or until its tasks run out, on
//     -interactive-volunteers and -interactive-shifts of its own, so every
//     signup is a fresh (volunteer, shift) pair. It measures latency at a
//     realistic load, checked against Little's law. Skipped under a -fault
//     and with -interactive=false.
//
// It prints each phase's figures with their ratios and the machine's load
// average at the start of each phase. Then it checks every invariant of
// DESIGN on the database and that every signup the API answered, in either
// storm, is there as answered. It stops by itself, and exits non-zero when
// an invariant or an answered signup is broken.
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
	"strings"
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

	interactive                              bool
	interactiveVolunteers, interactiveShifts int
	think, interactiveDuration               time.Duration
}

// runInteractive tells whether the interactive storm runs: not under a fault.
func (o options) runInteractive() bool { return o.interactive && o.fault == "none" }

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
	flag.BoolVar(&o.interactive, "interactive", true, "run the interactive storm (clients with think times) after the storm; never under a -fault")
	flag.IntVar(&o.interactiveVolunteers, "interactive-volunteers", 4_000, "volunteers in the interactive storm (each tries -signups signups)")
	flag.IntVar(&o.interactiveShifts, "interactive-shifts", 200, "shifts in the interactive storm")
	flag.DurationVar(&o.think, "think", time.Second, "mean think time of the interactive storm's clients before each request (negative-exponential, at most 10×)")
	flag.DurationVar(&o.interactiveDuration, "interactive-duration", 60*time.Second, "the interactive storm's clients take no new signup after this")
	flag.Parse()
	if o.think < 0 || o.interactiveDuration <= 0 {
		fmt.Fprintln(os.Stderr, "storm: -think must not be negative and -interactive-duration must be positive")
		os.Exit(2)
	}
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

// settle waits (30 s at most) for the instances to deliver what the storm
// left in the outbox, so that the interactive storm does not measure the
// storm's aftermath.
func settle(ctx context.Context, db *store.DB) {
	const due = `SELECT COUNT(*) FROM outbox WHERE status = 'PENDING' AND next_attempt_at <= now()`
	start := time.Now()
	var first, n int
	if err := db.SQL().QueryRowContext(ctx, due).Scan(&first); err != nil {
		logf("settling: %v", err)
		return
	}
	for n = first; n > 0 && time.Since(start) < 30*time.Second && ctx.Err() == nil; {
		time.Sleep(500 * time.Millisecond)
		if err := db.SQL().QueryRowContext(ctx, due).Scan(&n); err != nil {
			logf("settling: %v", err)
			return
		}
	}
	logf("settling: %d outbox deliveries due after the storm, %d left after %.1f s", first, n, time.Since(start).Seconds())
}

// loadavg is the machine's load average over 1, 5 and 15 minutes.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
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
	if o.runInteractive() {
		logf("seeding %d volunteers with sessions, %d shifts for the storm, %d and %d for the interactive storm (and %d volunteers, %d shifts for the storage baseline)",
			o.volunteers, o.shifts, o.interactiveVolunteers, o.interactiveShifts, o.baselineVolunteers, o.baselineShifts)
	} else {
		logf("seeding %d volunteers with sessions, %d shifts (and %d volunteers, %d shifts for the storage baseline)",
			o.volunteers, o.shifts, o.baselineVolunteers, o.baselineShifts)
	}
	data, err := seed(ctx, db, o, rnd)
	if err != nil {
		return false, err
	}

	// /metrics is served only behind a bearer token (or on its own address).
	env := []string{"KONULLU_DATABASE_URL=" + dbURL, "KONULLU_REDIS_URL=" + rds.url(), "KONULLU_LOG_LEVEL=warn",
		"KONULLU_METRICS_TOKEN=" + metricsToken}
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
	var loads []string
	phaseLoad := func(name string) string {
		l := loadavg()
		loads = append(loads, name+" "+l)
		return l
	}
	var cpuLines []string
	sessions := pgSessions(ctx, db)
	cpuPhase := func(name string, before cpuParts, wall time.Duration, requests int) {
		if l := cpuLine(name, sampleCPU(instances, pg, rds).sub(before), wall, requests); l != "" {
			now := pgSessions(ctx, db)
			cpuLines = append(cpuLines, fmt.Sprintf("%s; %d PostgreSQL connections opened", l, now-sessions))
			sessions = now
		}
	}
	logf("baseline 1: { __typename } over the same %d clients (load average %s)", o.clients, phaseLoad("floor"))
	sessions = pgSessions(ctx, db)
	cpu := sampleCPU(instances, pg, rds)
	floor := cl.typename(ctx, 3*o.volunteers)
	cpuPhase("floor", cpu, floor.wall, floor.count())
	logf("baseline 2: the bare signup transaction through the store, %d goroutines, 60 connections (load average %s)", o.clients, phaseLoad("bare"))
	cpu = sampleCPU(instances, pg, rds)
	storage := bareSignups(ctx, db, data.baseline, o.clients)
	cpuPhase("bare", cpu, storage.wall, storage.count())
	db.SQL().SetMaxOpenConns(20)

	f := newFault(o.fault, instances, rds, pg)
	if f != nil {
		f.adminToken, f.shiftID = data.adminToken, data.storm.shifts[0].ID
	}
	logf("the storm: %d volunteers × %d signups over %d shifts, %d clients; fault: %s (load average %s)",
		o.volunteers, o.perVolunteer, o.shifts, o.clients, o.fault, phaseLoad("storm"))
	cpu = sampleCPU(instances, pg, rds)
	res := cl.storm(ctx, data, o, f)
	if f == nil { // a killed or restarted part takes its CPU time with it
		cpuPhase("storm", cpu, res.api.wall, res.api.count())
	}
	if f != nil && f.afterStorm != nil {
		f.afterStorm(ctx, cl)
	}
	var inter *stormResult
	if o.runInteractive() && ctx.Err() == nil {
		settle(ctx, db)
		logf("the interactive storm: %d volunteers × %d signups over %d shifts, %d clients thinking %v on average, for %v at most (load average %s)",
			o.interactiveVolunteers, o.perVolunteer, o.interactiveShifts, o.clients, o.think, o.interactiveDuration, phaseLoad("interactive"))
		cpu = sampleCPU(instances, pg, rds)
		inter = cl.interactive(ctx, data, o)
		cpuPhase("interactive", cpu, inter.api.wall, inter.api.count())
	}
	phaseLoad("end")
	report(o, floor, storage, res, inter, f, loads)
	for _, l := range cpuLines {
		fmt.Println(l)
	}
	if len(cpuLines) > 0 {
		fmt.Println()
	}

	logf("checking the invariants on the database")
	ledgers := [][]signup{res.ledger}
	if inter != nil {
		ledgers = append(ledgers, inter.ledger)
	}
	ok := verify(ctx, db, ledgers...)
	if ok {
		fmt.Println("RESULT: every invariant holds and every confirmed signup is in the database")
	} else {
		fmt.Println("RESULT: FAILED (see above)")
	}
	return ok, nil
}
