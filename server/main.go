// Command konullu is the Könüllü server: the GraphQL API, the web app and
// the operational subcommands, wired from the domain's adapters.
//
//	konullu [serve] | migrate | seed --demo [--volunteers N] [--weeks W] | jobs run NAME | reindex | help
//
// Configuration comes from KONULLU_* environment variables; `konullu --help`
// lists them with their defaults.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // centres' time zones work on hosts without a zoneinfo database

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/demo"
	"github.com/konullu/konullu/redact"
	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu/frontend"
	"github.com/konullu/konullu/jobs"
	"github.com/konullu/konullu/live"
	"github.com/konullu/konullu/notify"
	"github.com/konullu/konullu/redisconn"
	"github.com/konullu/konullu/schema"
	"github.com/konullu/konullu/store"
)

// Timeouts of the HTTP server.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 15 * time.Second
	sessionTTL        = 30 * 24 * time.Hour
)

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "konullu: %v\n", err)
		os.Exit(exitCode(err))
	}
}

// exitCode is 2 for errors in the command line or the configuration, 1 otherwise.
func exitCode(err error) int {
	var e interface{ ExitCode() int }
	if errors.As(err, &e) {
		return e.ExitCode()
	}
	return 1
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg + " (see konullu --help)" }

// ExitCode is the exit status of a usage error.
func (e *usageError) ExitCode() int { return 2 }

// runOptions are what tests change about run; production uses the defaults.
type runOptions struct {
	onListen func(addr string) // called with the address once the server listens
	// onMetricsListen is called with the address of the metrics listener
	// (KONULLU_METRICS_ADDR) once it listens.
	onMetricsListen func(addr string)
	argon2          konullu.Argon2Params // cost of password hashes
	now             func() time.Time
	demo            demo.Options // size of the demo data seeded by serve (KONULLU_DEMO=1)
}

type option func(*runOptions)

// run is the whole program: main only adds the process around it, tests call
// it directly. It returns when the command is done or, for serve, when ctx is
// cancelled or the process gets SIGINT or SIGTERM.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, opts ...option) error {
	o := runOptions{argon2: konullu.DefaultArgon2, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	cmd, rest := "serve", []string(nil)
	if len(args) > 1 {
		rest = args[1:]
	}
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		cmd, rest = rest[0], rest[1:]
	}
	flags := flag.NewFlagSet(cmd, flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	var seedOpts demo.Options
	var seedDemo bool
	switch cmd {
	case "serve", "migrate", "jobs", "reindex":
	case "seed":
		flags.BoolVar(&seedDemo, "demo", false, "")
		flags.IntVar(&seedOpts.Volunteers, "volunteers", demo.DefaultVolunteers, "")
		flags.IntVar(&seedOpts.Weeks, "weeks", demo.DefaultWeeks, "")
		flags.Uint64Var(&seedOpts.Seed, "seed", 1, "")
	case "help":
		printUsage(stdout)
		return nil
	default:
		return &usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
	if err := flags.Parse(rest); errors.Is(err, flag.ErrHelp) {
		printUsage(stdout)
		return nil
	} else if err != nil {
		return &usageError{fmt.Sprintf("%s: %v", cmd, err)}
	}
	if cmd == "jobs" {
		if flags.NArg() != 2 || flags.Arg(0) != "run" {
			return &usageError{"jobs: use konullu jobs run NAME"}
		}
		if !slices.Contains(konullu.JobNames, flags.Arg(1)) {
			return &usageError{fmt.Sprintf("jobs: unknown job %q; jobs are %s", flags.Arg(1), strings.Join(konullu.JobNames, ", "))}
		}
	} else if flags.NArg() > 0 {
		return &usageError{fmt.Sprintf("%s: unexpected argument %q", cmd, flags.Arg(0))}
	}
	if cmd == "seed" {
		switch {
		case !seedDemo:
			return &usageError{"seed: give --demo (demo data is the only kind of seed)"}
		case seedOpts.Volunteers < 1 || seedOpts.Volunteers > 1_000_000:
			return &usageError{"seed: --volunteers must be between 1 and 1000000"}
		case seedOpts.Weeks < 1 || seedOpts.Weeks > 52:
			return &usageError{"seed: --weeks must be between 1 and 52"}
		}
	}

	cfg, err := parseConfig(getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel, ReplaceAttr: redactLog}))

	switch cmd {
	case "migrate":
		db, err := openStore(ctx, cfg, logger, o)
		if err != nil {
			return err
		}
		defer db.Close()
		logger.Info("database is up to date", "database", redact.URL(cfg.DatabaseURL))
		return nil
	case "seed":
		db, err := openStore(ctx, cfg, logger, o)
		if err != nil {
			return err
		}
		defer db.Close()
		seedOpts.Now, seedOpts.Argon2, seedOpts.Progress = o.now(), o.argon2, stdout
		return seed(ctx, db, seedOpts, stdout, logger)
	case "jobs":
		db, err := openStore(ctx, cfg, logger, o)
		if err != nil {
			return err
		}
		defer db.Close()
		// The lease matters only when instances share a Redis; an embedded
		// one would be this process's alone.
		var rdb redis.UniversalClient
		if cfg.RedisURL != "" {
			client, closeRedis, err := redisconn.Open(ctx, cfg.RedisURL)
			if err != nil {
				return err
			}
			defer closeRedis()
			rdb = client
		}
		return runJobCommand(ctx, cfg, db, rdb, flags.Arg(1), stdout, logger, o.now)
	case "reindex":
		db, err := openStore(ctx, cfg, logger, o)
		if err != nil {
			return err
		}
		defer db.Close()
		return reindex(ctx, cfg, db, stdout, logger, o.now)
	}
	return serve(ctx, cfg, logger, stdout, o)
}

// openStore connects to the configured database and migrates it.
func openStore(ctx context.Context, cfg Config, logger *slog.Logger, o runOptions) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL, store.Options{Now: o.now, Rules: cfg.Rules, Logger: logger})
	if err != nil {
		return nil, err
	}
	logger.Info("database connected", "database", redact.URL(cfg.DatabaseURL), "dialect", db.Dialect())
	// Every command works on an up-to-date schema; instances that start
	// together take turns (see store.DB.Migrate).
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// seed seeds demo data and prints what it made, with the demo accounts.
func seed(ctx context.Context, db *store.DB, opts demo.Options, stdout io.Writer, logger *slog.Logger) error {
	// SQLite has one writer: concurrent seeding only queues up. PostgreSQL
	// takes row locks and gains from a few connections at once.
	opts.Workers = 1
	if db.Dialect() == store.Postgres {
		opts.Workers = 8
	}
	res, err := demo.Seed(ctx, db, opts)
	if err != nil {
		return err
	}
	res.Print(stdout)
	logger.Info("demo data", "already_seeded", res.AlreadySeeded, "volunteers", res.Volunteers,
		"shifts", res.Shifts, "elapsed", res.Elapsed.String())
	return nil
}

// serve runs the server until ctx is done, then shuts it down gracefully.
func serve(ctx context.Context, cfg Config, logger *slog.Logger, stdout io.Writer, o runOptions) error {
	logger.Info("starting", "config", cfg)
	db, err := openStore(ctx, cfg, logger, o)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.AdminEmail != "" {
		hash, err := konullu.HashPassword(cfg.AdminPassword, o.argon2)
		if err != nil {
			return err
		}
		created, err := db.EnsureAdmin(ctx, cfg.AdminEmail, hash)
		if err != nil {
			return fmt.Errorf("bootstrap admin: %w", err)
		}
		logger.Info("bootstrap admin", "email", konullu.MaskEmail(cfg.AdminEmail), "created", created)
	}
	if cfg.Demo {
		opts := o.demo
		opts.Now, opts.Argon2, opts.Progress = o.now(), o.argon2, stdout
		if err := seed(ctx, db, opts, stdout, logger); err != nil {
			return err
		}
	}

	// Jobs and notifications: every instance delivers the outbox; the
	// scheduler runs unless KONULLU_JOBS=off, and a Redis lease lets one
	// instance at a time run each job.
	rdb, closeRedis, err := redisconn.Open(ctx, cfg.RedisURL)
	if err != nil {
		return err
	}
	defer closeRedis()
	// Live events: what this instance changes reaches the subscribers of
	// every instance through Redis pub/sub, and theirs reach ours.
	bus := live.New(rdb, "", logger)
	bctx, stopBus := context.WithCancel(context.WithoutCancel(ctx))
	busDone := make(chan struct{})
	go func() { defer close(busDone); bus.Run(bctx) }()
	defer func() { stopBus(); <-busDone }()
	db.SetEvents(bus)
	instance := jobs.InstanceID()
	disp, err := newDispatcher(cfg, db, logger, instance, o.now)
	if err != nil {
		return err
	}
	// The availability index: built in the background when Redis has none,
	// kept in step by the store the API writes through, checked nightly by
	// the reindex job.
	ix := openIndex(db, rdb, logger, o.now)
	defer ix.Close()
	// Abuse limits and metrics: rate limits shared through Redis, Prometheus at /metrics.
	hard := newHardening(cfg, db, rdb, logger)
	sched, err := newScheduler(cfg, db, rdb, disp, ix, logger, instance, o.now, hard.metrics)
	if err != nil {
		return err
	}
	dctx, stopDispatcher := context.WithCancel(context.WithoutCancel(ctx))
	dispatched := make(chan struct{})
	go func() { defer close(dispatched); disp.Run(dctx) }()
	defer func() { stopDispatcher(); <-dispatched }()
	if cfg.Jobs {
		sched.Start()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
			defer cancel()
			if err := sched.Stop(sctx); err != nil {
				logger.Warn("jobs still running at shutdown", "err", err)
			}
		}()
	}

	mailer, err := newResetMailer(cfg)
	if err != nil {
		return err
	}
	api := schema.NewHandler(schema.Config{
		Store:        indexedStore{db, ix},
		Availability: ix,
		Logger:       logger,
		Now:          o.now,
		Rules:        cfg.Rules,
		Argon2:       o.argon2,
		SessionTTL:   sessionTTL,
		Jobs:         sched,
		// Reports: days in the deployment's zone, links to the public address.
		Timezone:  cfg.Notify.Location,
		PublicURL: cfg.PublicURL,
		// Hardening: see hardening.go.
		Limiter:     hard,
		Observer:    hard.metrics,
		Unavailable: store.IsUnavailable,
		Dev:         cfg.Dev,
		// Account controls: reset links by email, straight through SMTP.
		Mailer: mailer,
		// Check-in codes: the configured key, or one the database keeps.
		CheckInSecret: cfg.CheckInSecret,
		// Subscriptions over WebSocket, from the origins CORS allows too.
		Events:      bus,
		LiveOrigins: cfg.CORSOrigins,
		// The limit of live connections per user holds across instances.
		LiveConns: live.NewConnCounter(rdb, "", 0, nil),
	})
	serverOpts := []serverOption{withMetrics(hard.metrics),
		withMetricsEndpoint(cfg.MetricsToken, cfg.MetricsAddr == ""), withCORS(cfg.CORSOrigins), withRedis(rdb),
		withRateLimits(hard), withTrustedProxies(cfg.TrustedProxies), withLinks(cfg.Notify.Location, cfg.PublicURL)}
	if cfg.Notify.WebhookURL != "" {
		// The gateway's replies (YES/NO to a reminder), signed with the same secret.
		serverOpts = append(serverOpts, withInbound(notify.Inbound([]byte(cfg.Notify.WebhookSecret), indexedStore{db, ix}, logger, o.now, disp.Wake)))
	}
	handler := NewServer(logger, db, api, frontend.FS, serverOpts...)
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (KONULLU_ADDR): %w", cfg.Addr, err)
	}
	addr := ln.Addr().String()
	logger.Info("listening", "addr", addr, "url", "http://"+addr, "frontend_built", frontend.Built())
	if o.onListen != nil {
		o.onListen(addr)
	}

	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	// /metrics on its own listener (KONULLU_METRICS_ADDR): an address that
	// only the monitoring network reaches; the main listener answers 404.
	var metricsSrv *http.Server
	if cfg.MetricsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", metricsHandler(hard.metrics, cfg.MetricsToken))
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
			WriteTimeout: writeTimeout, IdleTimeout: idleTimeout, MaxHeaderBytes: 64 << 10,
			ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			srv.Close()
			return fmt.Errorf("listen on %s (KONULLU_METRICS_ADDR): %w", cfg.MetricsAddr, err)
		}
		logger.Info("metrics listening", "addr", mln.Addr().String(), "token", cfg.MetricsToken != "")
		if o.onMetricsListen != nil {
			o.onMetricsListen(mln.Addr().String())
		}
		go func() { errc <- metricsSrv.Serve(mln) }()
	}
	select {
	case err := <-errc:
		srv.Close()
		if metricsSrv != nil {
			metricsSrv.Close()
		}
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if metricsSrv != nil {
		metricsSrv.Shutdown(sctx)
	}
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if l, ok := api.(interface{ CloseLive() }); ok {
		l.CloseLive()
	}
	if w, ok := api.(interface{ Wait() }); ok {
		w.Wait() // password-reset emails on their way (each bounded to a minute)
	}
	logger.Info("stopped")
	return nil
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `Könüllü coordinates youth volunteers who staff public-service centres.

Usage:
  konullu [serve]     run the server (the default command)
  konullu migrate     bring the database schema up to date and exit
  konullu jobs run NAME
                      run a scheduled job now (reminders, no-shows,
                      hour-tally, digest, reindex), deliver what it
                      enqueued and print the run
  konullu reindex     rebuild the availability index in the Redis of
                      KONULLU_REDIS_URL from the database (servers keep
                      answering meanwhile) and print its size
  konullu seed --demo [--volunteers N] [--weeks W] [--seed S]
                      fill an empty database with demo data (default 2000
                      volunteers, 4 weeks of shifts around today) and print
                      the demo accounts; does nothing if centres exist
  konullu help        show this help

serve migrates the database, creates the bootstrap admin if configured and
absent, seeds demo data when KONULLU_DEMO=1 and the database has no centres,
then serves the GraphQL API on /graphql, /healthz, /readyz and the web app
on KONULLU_ADDR. SIGINT or SIGTERM shut it down gracefully.

Environment (unset or empty means the default):
`)
	printEnv(w)
	fmt.Fprint(w, `
Exit status: 0 on success, 2 for a bad command line or configuration, 1 otherwise.
`)
}
