package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/jobs"
	"github.com/konullu/konullu/live"
	"github.com/konullu/konullu/notify"
	"github.com/konullu/konullu/schema"
	"github.com/konullu/konullu/store"
)

// NotifyConfig configures notifications and the scheduled jobs.
type NotifyConfig struct {
	WebhookURL    string
	WebhookSecret string
	Location      *time.Location // the deployment's time zone (digests)
	ReminderLeads []time.Duration
	AwardBands    konullu.AwardBands
}

// parseNotifyConfig reads the notification and job variables.
func parseNotifyConfig(get func(string) string, bad func(name, format string, args ...any) error) (NotifyConfig, error) {
	var c NotifyConfig
	var err error
	c.WebhookURL, c.WebhookSecret = get("KONULLU_WEBHOOK_URL"), get("KONULLU_WEBHOOK_SECRET")
	if c.WebhookURL != "" {
		u, err := url.Parse(c.WebhookURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return c, bad("KONULLU_WEBHOOK_URL", "must be an http:// or https:// URL")
		}
		if len(c.WebhookSecret) < 16 {
			return c, bad("KONULLU_WEBHOOK_SECRET", "is required with KONULLU_WEBHOOK_URL: at least 16 characters")
		}
	}
	if c.Location, err = time.LoadLocation(get("KONULLU_TIMEZONE")); err != nil || get("KONULLU_TIMEZONE") == "Local" {
		return c, bad("KONULLU_TIMEZONE", "%q is not an IANA time zone such as Asia/Baku", get("KONULLU_TIMEZONE"))
	}
	for _, part := range strings.Split(get("KONULLU_REMINDERS"), ",") {
		d, err := parseDuration(strings.TrimSpace(part))
		if err != nil || d < time.Minute || d > 30*24*time.Hour {
			return c, bad("KONULLU_REMINDERS", "%q is not a list of lead times such as 24h,2h", get("KONULLU_REMINDERS"))
		}
		c.ReminderLeads = append(c.ReminderLeads, d)
	}
	if c.AwardBands, err = parseAwardBands(get("KONULLU_AWARDS")); err != nil {
		return c, bad("KONULLU_AWARDS", "%v (e.g. 15-25:100/175/250;26+:100/250/500)", err)
	}
	return c, nil
}

// parseAwardBands reads "15-25:100/175/250;26+:100/250/500".
func parseAwardBands(s string) (konullu.AwardBands, error) {
	var out konullu.AwardBands
	for _, band := range strings.Split(s, ";") {
		ages, hours, ok := strings.Cut(strings.TrimSpace(band), ":")
		if !ok {
			return nil, fmt.Errorf("%q has no thresholds", band)
		}
		b := konullu.AwardBand{Name: ages}
		var err error
		if lo, ok := strings.CutSuffix(ages, "+"); ok {
			b.MinAge, err = strconv.Atoi(lo)
		} else if lo, hi, ok := strings.Cut(ages, "-"); ok {
			if b.MinAge, err = strconv.Atoi(lo); err == nil {
				b.MaxAge, err = strconv.Atoi(hi)
			}
		} else {
			err = fmt.Errorf("ages %q are not N-M or N+", ages)
		}
		if err != nil || b.MinAge < 0 || b.MaxAge != 0 && b.MaxAge < b.MinAge {
			return nil, fmt.Errorf("bad ages %q", ages)
		}
		for _, h := range strings.Split(hours, "/") {
			n, err := strconv.Atoi(strings.TrimSpace(h))
			if err != nil || n <= 0 || len(b.Thresholds) > 0 && n <= b.Thresholds[len(b.Thresholds)-1] {
				return nil, fmt.Errorf("thresholds %q are not ascending whole hours", hours)
			}
			b.Thresholds = append(b.Thresholds, n)
		}
		out = append(out, b)
	}
	return out, nil
}

// newDispatcher builds the outbox dispatcher with the configured channels.
func newDispatcher(cfg Config, db *store.DB, logger *slog.Logger, instance string, now func() time.Time) (*notify.Dispatcher, error) {
	dc := notify.Config{Store: db, Logger: logger, Now: now, Instance: instance}
	if cfg.SMTPURL != "" {
		sc, err := notify.ParseSMTPURL(cfg.SMTPURL)
		if err != nil {
			return nil, &configError{"KONULLU_SMTP_URL", err.Error()}
		}
		if dc.Email, err = notify.NewSMTP(sc); err != nil {
			return nil, &configError{"KONULLU_SMTP_URL", err.Error()}
		}
	}
	if cfg.Notify.WebhookURL != "" {
		dc.Webhook = notify.NewWebhook(cfg.Notify.WebhookURL, []byte(cfg.Notify.WebhookSecret))
	}
	return notify.New(dc), nil
}

// newScheduler builds the scheduler; lease may be nil (no Redis).
// obs, when given, hears every finished run (the metrics).
func newScheduler(cfg Config, db *store.DB, rdb redis.UniversalClient, waker jobs.Waker, reindexer jobs.Reindexer, logger *slog.Logger, instance string, now func() time.Time, obs ...jobs.Observer) (*jobs.Scheduler, error) {
	jc := jobs.Config{Store: db, Notifier: waker, Logger: logger, Now: now, Instance: instance,
		Settings: jobs.Settings{
			ReminderLeads:  cfg.Notify.ReminderLeads,
			NoShowGrace:    cfg.Rules.NoShowGrace,
			AwardBands:     cfg.Notify.AwardBands,
			DigestLocation: cfg.Notify.Location,
		}}
	if rdb != nil {
		jc.Lease = &jobs.RedisLease{Client: rdb}
	}
	if reindexer != nil {
		jc.Reindexer = reindexer
	}
	// roster-proposals finds candidates as planRoster does: the index, or SQL.
	index, _ := reindexer.(konullu.AvailabilityIndex)
	if pl, err := schema.RosterPlanner(db, index, cfg.Rules, now); err == nil {
		jc.Roster, jc.Centres = pl, db
	}
	if len(obs) > 0 {
		jc.Observer = obs[0]
	}
	return jobs.New(jc)
}

// runJob is `konullu jobs run NAME`: the job runs now (waiting for another
// instance's run of it to end), the messages it enqueued are delivered, and
// the run is printed. With a shared Redis, what it changes reaches the live
// subscribers of every instance as a scheduled run's changes do (no-shows,
// expired offers, in-app notifications), published before it exits.
func runJobCommand(ctx context.Context, cfg Config, db *store.DB, rdb redis.UniversalClient, name string, stdout interface{ Write([]byte) (int, error) }, logger *slog.Logger, now func() time.Time) error {
	if rdb != nil {
		db.SetEvents(live.NewDirect(rdb, ""))
		defer db.SetEvents(nil)
	}
	instance := jobs.InstanceID()
	disp, err := newDispatcher(cfg, db, logger, instance, now)
	if err != nil {
		return err
	}
	sched, err := newScheduler(cfg, db, rdb, nil, nil, logger, instance, now)
	if err != nil {
		return err
	}
	run, err := sched.RunNow(ctx, name)
	if err != nil {
		return err
	}
	delivered, err := disp.Drain(ctx)
	if err != nil {
		logger.Warn("delivering notifications", "err", err)
	}
	took := ""
	if run.FinishedAt != nil {
		took = run.FinishedAt.Sub(run.StartedAt).Round(time.Millisecond).String()
	}
	fmt.Fprintf(stdout, "%s: %s, %d items in %s on %s; %d notifications delivered\n", run.Job, run.Status, run.Items, took, run.Instance, delivered)
	if run.Error != "" {
		fmt.Fprintf(stdout, "  %s\n", run.Error)
	}
	if run.Status == konullu.JobFailed {
		return fmt.Errorf("job %s failed", name)
	}
	return nil
}
