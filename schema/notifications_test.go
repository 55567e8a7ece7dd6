package schema_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/jobs"
	"github.com/konullu/konullu/notify"
	"github.com/konullu/konullu/schema"
)

// jobsEnv is an API with the scheduler and a dispatcher over its database.
func jobsEnv(t *testing.T) (*env, *notify.Dispatcher) {
	t.Helper()
	e := newEnv(t)
	logger := slog.New(slog.NewJSONHandler(e.logs, nil))
	sched, err := jobs.New(jobs.Config{Store: e.db, Logger: logger, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.h = schema.NewHandler(schema.Config{Store: e.db, Logger: logger, Now: e.clock.Now, Argon2: testArgon2, Jobs: sched})
	return e, notify.New(notify.Config{Store: e.db, Logger: logger, Now: e.clock.Now})
}

func TestMyNotifications(t *testing.T) {
	e, d := jobsEnv(t)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	p := e.position("Reception guide")
	s := e.shift(c, p, t0.Add(23*time.Hour), 3, true)
	aysel := e.account("aysel@example.az", "Aysel")
	e.account("vusal@example.az", "Vüsal")
	a := e.signUp(s, aysel.VolunteerID, false)
	if _, err := d.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	tok := e.login("aysel@example.az")
	const q = `{ unreadNotificationCount myNotifications { id kind title body read createdAt assignment { id status } shift { id } } }`
	var got struct {
		UnreadNotificationCount int
		MyNotifications         []struct {
			ID, Kind, Title, Body string
			Read                  bool
			Assignment            struct{ ID, Status string }
			Shift                 struct{ ID string }
		}
	}
	e.post(tok, q, nil).ok(t, &got)
	if got.UnreadNotificationCount != 1 || len(got.MyNotifications) != 1 {
		t.Fatalf("%+v", got)
	}
	n := got.MyNotifications[0]
	if n.Kind != "SIGNUP_CONFIRMED" || n.Title != "Növbəniz təsdiqləndi" || n.Read || n.Assignment.ID != gid("Assignment", a.ID) || n.Shift.ID != gid("Shift", s.ID) {
		t.Fatalf("notification %+v", n)
	}
	t.Run("OnlyTheRecipientSeesIt", func(t *testing.T) {
		var other struct{ MyNotifications []struct{ ID string } }
		e.post(e.login("vusal@example.az"), `{ myNotifications { id } }`, nil).ok(t, &other)
		if len(other.MyNotifications) != 0 {
			t.Fatal(other)
		}
		var node struct{ Node *struct{ ID string } }
		e.post(e.login("vusal@example.az"), `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": n.ID}).ok(t, &node)
		if node.Node != nil {
			t.Fatal("another user fetched the notification by id")
		}
		var marked struct{ MarkNotificationsRead int }
		e.post(e.login("vusal@example.az"), `mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }`, map[string]any{"ids": []string{n.ID}}).ok(t, &marked)
		if marked.MarkNotificationsRead != 0 {
			t.Fatal("marked another user's notification read")
		}
		e.post(tok, `query($id: ID!) { node(id: $id) { ... on Notification { title } } }`, map[string]any{"id": n.ID}).ok(t, &node)
		if node.Node == nil {
			t.Fatal("the recipient cannot fetch their notification by id")
		}
		e.post("", `{ myNotifications { id } }`, nil).wantError(t, konullu.EUNAUTHENTICATED, "")
	})
	t.Run("MarkRead", func(t *testing.T) {
		var marked struct{ MarkNotificationsRead int }
		e.post(tok, `mutation { markNotificationsRead }`, nil).ok(t, &marked)
		if marked.MarkNotificationsRead != 1 {
			t.Fatal(marked)
		}
		e.post(tok, q, nil).ok(t, &got)
		if got.UnreadNotificationCount != 0 || !got.MyNotifications[0].Read {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("CancelledShiftIsAnnounced", func(t *testing.T) {
		admin := e.admin()
		e.post(admin, `mutation($id: ID!) { cancelShift(id: $id, reason: "su kəsilib") { status } }`, map[string]any{"id": gid("Shift", s.ID)}).ok(t, nil)
		d.Drain(context.Background())
		var got struct{ MyNotifications []struct{ Kind, Body string } }
		e.post(tok, `{ myNotifications(first: 1) { kind body } }`, nil).ok(t, &got)
		if got.MyNotifications[0].Kind != "SHIFT_CANCELLED" {
			t.Fatalf("%+v", got)
		}
	})
}

func TestNotificationSettingsInProfile(t *testing.T) {
	e, _ := jobsEnv(t)
	e.account("aysel@example.az", "Aysel")
	e.account("vusal@example.az", "Vüsal")
	tok := e.login("aysel@example.az")
	var got struct {
		UpdateMyProfile struct {
			ID                   string
			NotificationSettings struct {
				Language string
				Channels []string
			}
		}
	}
	e.post(tok, `mutation { updateMyProfile(input: {language: EN, notificationChannels: [WEBHOOK]}) { id notificationSettings { language channels } } }`, nil).ok(t, &got)
	ns := got.UpdateMyProfile.NotificationSettings
	if ns.Language != "EN" || len(ns.Channels) != 2 || ns.Channels[0] != "IN_APP" || ns.Channels[1] != "WEBHOOK" {
		t.Fatalf("%+v", ns)
	}
	var other struct {
		Volunteer struct{ NotificationSettings *struct{ Language string } }
	}
	e.post(e.login("vusal@example.az"), `query($id: ID!) { volunteer(id: $id) { notificationSettings { language } } }`,
		map[string]any{"id": got.UpdateMyProfile.ID}).ok(t, &other)
	if other.Volunteer.NotificationSettings != nil {
		t.Fatal("another volunteer sees the settings")
	}
	var upd struct {
		UpdateMyNotificationSettings struct {
			Language string
			Channels []string
		}
	}
	e.post(tok, `mutation { updateMyNotificationSettings(input: {language: RU}) { language channels } }`, nil).ok(t, &upd)
	if upd.UpdateMyNotificationSettings.Language != "RU" || len(upd.UpdateMyNotificationSettings.Channels) != 2 {
		t.Fatalf("%+v", upd)
	}
	var me struct {
		Me struct{ NotificationSettings struct{ Language string } }
	}
	e.post(tok, `{ me { notificationSettings { language } } }`, nil).ok(t, &me)
	if me.Me.NotificationSettings.Language != "RU" {
		t.Fatalf("%+v", me)
	}
	e.post(tok, `mutation { updateMyNotificationSettings(input: {language: DE}) { language } }`, nil).wantError(t, konullu.EINVALID, "")
}

func TestJobRunsAPI(t *testing.T) {
	e, _ := jobsEnv(t)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	p := e.position("Reception guide")
	s := e.shift(c, p, t0.Add(90*time.Minute), 3, true)
	v := e.account("aysel@example.az", "Aysel")
	e.signUp(s, v.VolunteerID, false)
	admin := e.admin()
	var run struct {
		RunJob struct {
			ID, Job, Status, Instance string
			Items                     int
			FinishedAt                *string
		}
	}
	e.post(admin, `mutation { runJob(name: "reminders") { id job status instance items finishedAt } }`, nil).ok(t, &run)
	if run.RunJob.Job != "reminders" || run.RunJob.Status != "OK" || run.RunJob.Items != 1 || run.RunJob.FinishedAt == nil {
		t.Fatalf("%+v", run)
	}
	var runs struct {
		JobRuns []struct {
			ID, Job, Status string
			Error           *string
		}
	}
	e.post(admin, `mutation { runJob(name: "reindex") { status } }`, nil).ok(t, nil)
	e.post(admin, `{ jobRuns(first: 10) { id job status error } }`, nil).ok(t, &runs)
	if len(runs.JobRuns) != 2 || runs.JobRuns[0].Job != "reindex" || runs.JobRuns[0].Status != "SKIPPED" || runs.JobRuns[0].Error == nil {
		t.Fatalf("%+v", runs)
	}
	e.post(admin, `{ jobRuns(job: "reminders") { id } }`, nil).ok(t, &runs)
	if len(runs.JobRuns) != 1 || runs.JobRuns[0].ID != run.RunJob.ID {
		t.Fatalf("%+v", runs)
	}
	var node struct{ Node *struct{ Job string } }
	e.post(admin, `query($id: ID!) { node(id: $id) { ... on JobRun { job } } }`, map[string]any{"id": run.RunJob.ID}).ok(t, &node)
	if node.Node == nil || node.Node.Job != "reminders" {
		t.Fatalf("%+v", node)
	}
	vol := e.login("aysel@example.az")
	e.post(vol, `mutation { runJob(name: "reminders") { id } }`, nil).wantError(t, konullu.EFORBIDDEN, "")
	e.post(vol, `{ jobRuns { id } }`, nil).wantError(t, konullu.EFORBIDDEN, "")
	e.post(admin, `mutation { runJob(name: "everything") { id } }`, nil).wantError(t, konullu.EINVALID, "name")
	e.post(admin, `{ jobRuns(first: 1000) { id } }`, nil).wantError(t, konullu.EINVALID, "first")
}
