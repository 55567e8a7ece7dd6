package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// seedShiftSoon opens the database at url and signs a volunteer (who can
// sign in with adminPassword) up for a shift starting after in.
func seedShiftSoon(t *testing.T, url string, in time.Duration) (email string) {
	t.Helper()
	ctx := context.Background()
	db, c, p := openWithCentre(t, url, store.Options{})
	defer db.Close()
	hash, _ := konullu.HashPassword(adminPassword, cheap)
	email = "aysel@example.az"
	u, err := db.CreateAccount(ctx, konullu.NewAccount{Email: email, PasswordHash: hash, FullName: "Aysel",
		BirthDate: time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(in).Truncate(time.Minute)
	s, err := db.CreateShifts(ctx, konullu.NewShifts{CentreID: c.ID, PositionID: p.ID, Capacity: 3, Publish: true,
		Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(4 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignUp(ctx, s[0].ID, u.VolunteerID, false); err != nil {
		t.Fatal(err)
	}
	return email
}

// openWithCentre opens and migrates the database at url and creates a
// centre in Baku with one position; the caller closes the store.
func openWithCentre(t *testing.T, url string, opts store.Options) (*store.DB, *konullu.Centre, *konullu.Position) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		t.Fatal(err)
	}
	c := &konullu.Centre{Name: "ASAN xidmət №1", City: "Bakı", Timezone: "Asia/Baku"}
	p := &konullu.Position{Name: "Bələdçi"}
	if err := db.CreateCentre(ctx, c); err != nil {
		db.Close()
		t.Fatal(err)
	}
	if err := db.CreatePosition(ctx, p); err != nil {
		db.Close()
		t.Fatal(err)
	}
	return db, c, p
}

func TestJobsRunCommand(t *testing.T) {
	url := storetest.MigratedURL(t)
	seedShiftSoon(t, url, 90*time.Minute)
	vars := env(map[string]string{"KONULLU_DATABASE_URL": url})
	var out, logs syncBuffer
	if err := run(t.Context(), []string{"konullu", "jobs", "run", "reminders"}, vars, &out, &logs); err != nil {
		t.Fatalf("jobs run: %v\n%s", err, logs.String())
	}
	// One reminder; the confirmation and the reminder delivered in-app (email is logged: no SMTP).
	if !strings.Contains(out.String(), "reminders: OK, 1 items") || !strings.Contains(out.String(), "4 notifications delivered") {
		t.Errorf("output: %s", out.String())
	}
	out = syncBuffer{}
	if err := run(t.Context(), []string{"konullu", "jobs", "run", "reminders"}, vars, &out, &logs); err != nil || !strings.Contains(out.String(), "reminders: OK, 0 items") {
		t.Errorf("second run: %v %s", err, out.String())
	}
	for _, args := range [][]string{{"jobs"}, {"jobs", "run"}, {"jobs", "run", "everything"}, {"jobs", "list"}} {
		err := run(t.Context(), append([]string{"konullu"}, args...), vars, &out, &logs)
		if exitCode(err) != 2 {
			t.Errorf("%v: %v (exit %d), want a usage error", args, err, exitCode(err))
		}
	}
}

// TestServeRunsJobsAndDelivers: a served instance answers runJob, and the
// reminder it enqueues reaches the volunteer's notifications.
func TestServeRunsJobsAndDelivers(t *testing.T) {
	url := storetest.MigratedURL(t)
	email := seedShiftSoon(t, url, 23*time.Hour)
	srv := start(t, map[string]string{
		"KONULLU_DATABASE_URL":   url,
		"KONULLU_ADMIN_EMAIL":    adminEmail,
		"KONULLU_ADMIN_PASSWORD": adminPassword,
	})
	login := func(email string) string {
		var d struct{ Login struct{ Token string } }
		mustGraphQL(t, srv.url, "", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
			map[string]any{"e": email, "p": adminPassword}, &d)
		return d.Login.Token
	}
	var run struct{ RunJob struct{ Status string } }
	mustGraphQL(t, srv.url, login(adminEmail), `mutation { runJob(name: "reminders") { status items } }`, nil, &run)
	if run.RunJob.Status != "OK" {
		t.Fatalf("runJob: %+v", run)
	}
	tok := login(email)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var d struct {
			MyNotifications []struct{ Kind, Title string }
		}
		mustGraphQL(t, srv.url, tok, `{ myNotifications { kind title } }`, nil, &d)
		if len(d.MyNotifications) == 2 && d.MyNotifications[0].Kind == "REMINDER" {
			if d.MyNotifications[0].Title != "Xatırlatma: növbəniz 23 saat sonra başlayır" {
				t.Errorf("title %q", d.MyNotifications[0].Title)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("notifications %+v", d)
		}
	}
	var runs struct {
		JobRuns []struct{ Job, Instance string }
	}
	mustGraphQL(t, srv.url, login(adminEmail), `{ jobRuns { job instance } }`, nil, &runs)
	if len(runs.JobRuns) == 0 || runs.JobRuns[0].Job != "reminders" {
		t.Fatalf("job runs %+v", runs)
	}
}

func TestNotifyConfig(t *testing.T) {
	c, err := parseConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Notify.Location.String() != "Asia/Baku" || len(c.Notify.ReminderLeads) != 2 || c.Notify.ReminderLeads[1] != 2*time.Hour ||
		c.Rules.NoShowGrace != 30*time.Minute || len(c.Notify.AwardBands) != 2 || c.Notify.AwardBands[1].MinAge != 26 {
		t.Fatalf("defaults: %+v %+v", c.Notify, c.Rules)
	}
	c, err = parseConfig(env(map[string]string{"KONULLU_AWARDS": "14-17:50/100; 18+:100/200", "KONULLU_REMINDERS": "48h, 90m",
		"KONULLU_TIMEZONE": "Europe/Berlin", "KONULLU_WEBHOOK_URL": "https://sms.example.az/hook", "KONULLU_WEBHOOK_SECRET": "0123456789abcdef"}))
	if err != nil || c.Notify.AwardBands[0].MaxAge != 17 || c.Notify.AwardBands[1].Thresholds[1] != 200 || c.Notify.ReminderLeads[1] != 90*time.Minute {
		t.Fatalf("%+v %v", c.Notify, err)
	}
	for name, bad := range map[string]map[string]string{
		"KONULLU_WEBHOOK_SECRET": {"KONULLU_WEBHOOK_URL": "https://sms.example.az/hook"},
		"KONULLU_WEBHOOK_URL":    {"KONULLU_WEBHOOK_URL": "ftp://x", "KONULLU_WEBHOOK_SECRET": "0123456789abcdef"},
		"KONULLU_TIMEZONE":       {"KONULLU_TIMEZONE": "Mars/Olympus"},
		"KONULLU_REMINDERS":      {"KONULLU_REMINDERS": "soon"},
		"KONULLU_AWARDS":         {"KONULLU_AWARDS": "15-25:250/100"},
		"KONULLU_NO_SHOW_GRACE":  {"KONULLU_NO_SHOW_GRACE": "later"},
	} {
		_, err := parseConfig(env(bad))
		var ce *configError
		if err == nil || !errors.As(err, &ce) || ce.name != name {
			t.Errorf("%v: %v, want an error naming %s", bad, err, name)
		}
	}
}
