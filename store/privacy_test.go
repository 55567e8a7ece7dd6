package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/store"
)

func TestGuardianConsent(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	// 16 on the shift's day (monday is in 2030).
	minor := f.volunteer(func(a *konullu.NewAccount) { a.BirthDate = time.Date(2013, 6, 1, 0, 0, 0, 0, time.UTC) })
	adult := f.volunteer()
	s := f.shift(48*time.Hour, 4*time.Hour, 5)

	t.Run("ErrMinorWithoutConsent", func(t *testing.T) {
		_, err := f.db.SignUp(ctx, s.ID, minor, false)
		wantCode(t, err, konullu.EREQUIREMENT)
		_, err = f.db.SignUp(ctx, s.ID, minor, true) // a coordinator cannot skip it either
		wantCode(t, err, konullu.EREQUIREMENT)
	})
	t.Run("AdultNeedsNone", func(t *testing.T) {
		if _, err := f.db.SignUp(ctx, s.ID, adult, false); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("MinorWithConsent", func(t *testing.T) {
		c, err := f.db.RecordGuardianConsent(ctx, konullu.GuardianConsent{VolunteerID: minor, GuardianName: "Leyla Əliyeva", Relationship: "mother"})
		if err != nil {
			t.Fatal(err)
		}
		if c.RecordedAt.IsZero() {
			t.Error("consent has no time")
		}
		a, err := f.db.SignUp(ctx, s.ID, minor, false)
		if err != nil || a.Status != konullu.AssignmentConfirmed {
			t.Fatalf("got %v, %v", a, err)
		}
		got, err := f.db.GuardianConsents(ctx, []int64{minor, adult})
		if err != nil || len(got) != 1 || got[minor].GuardianName != "Leyla Əliyeva" {
			t.Fatalf("consents: %v %v", got, err)
		}
	})
	t.Run("EighteenOnTheShiftDay", func(t *testing.T) {
		// Turns 18 the day before the shift: no consent needed then.
		day := s.StartsAt.AddDate(-18, 0, -1)
		v := f.volunteer(func(a *konullu.NewAccount) {
			a.BirthDate = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
		})
		if _, err := f.db.SignUp(ctx, s.ID, v, false); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrUnknownVolunteer", func(t *testing.T) {
		_, err := f.db.RecordGuardianConsent(ctx, konullu.GuardianConsent{VolunteerID: 999999, GuardianName: "X", Relationship: "father"})
		wantCode(t, err, konullu.ENOTFOUND)
	})
}

// dumpAll returns the text of every row of every table, for proving that
// nothing of a person is left.
func dumpAll(t *testing.T, db *store.DB) string {
	t.Helper()
	var query string
	if db.Dialect() == store.Postgres {
		query = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	} else {
		query = `SELECT name FROM sqlite_master WHERE type = 'table'`
	}
	rows, err := db.SQL().Query(query)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tb := range tables {
		r, err := db.SQL().Query(`SELECT * FROM "` + tb + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%s:%v\n", tb, v)
			}
		}
		r.Close()
	}
	return b.String()
}

func TestDeleteAccount(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	const name, email, phone = "Günay Quliyeva", "gunay.quliyeva@example.az", "+994 55 777 12 34"
	user, err := f.db.CreateAccount(ctx, konullu.NewAccount{Email: email, FullName: name, Phone: phone, City: "Şəki",
		BirthDate: time.Date(2008, 11, 20, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive, Skills: []string{"english"}})
	if err != nil {
		t.Fatal(err)
	}
	me := user.VolunteerID
	if _, err := f.db.RecordGuardianConsent(ctx, konullu.GuardianConsent{VolunteerID: me, GuardianName: "Aynur Quliyeva", Relationship: "mother", Contact: "+994 55 777 00 00"}); err != nil {
		t.Fatal(err)
	}
	// Attended a shift last week (as a minor, with consent).
	past := f.shift(-7*24*time.Hour, 4*time.Hour, 3)
	done, err := f.db.RecordPastWork(ctx, konullu.PastWork{ShiftID: past.ID, VolunteerID: me, CheckedInAt: past.StartsAt, CheckedOutAt: past.EndsAt.Add(-30 * time.Minute)})
	if err != nil || done.CreditedMinutes != 210 {
		t.Fatalf("attendance: %v %v", done, err)
	}
	if _, err := f.db.MarkNoShow(ctx, done.ID, ""); err != nil { // then corrected back
		t.Fatal(err)
	}
	if _, err := f.db.RecordAttendance(ctx, done.ID, past.StartsAt, past.EndsAt.Add(-30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	// Holds the only place of a future shift that has a waitlist.
	future := f.shift(72*time.Hour, 4*time.Hour, 1)
	if _, err := f.db.SignUp(ctx, future.ID, me, false); err != nil {
		t.Fatal(err)
	}
	waiting := f.volunteer()
	w, err := f.db.SignUp(ctx, future.ID, waiting, false)
	if err != nil || w.Status != konullu.AssignmentWaitlisted {
		t.Fatalf("waitlist: %v %v", w, err)
	}
	if err := f.db.CreateSession(ctx, user.ID, []byte("token-hash-of-gunay-000000000000"), monday.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// An admin changed the profile: the audit trail holds it.
	before, _ := json.Marshal(map[string]any{"fullName": name, "phone": phone})
	err = f.db.RecordAudit(ctx, &konullu.AuditEntry{ActorUserID: 999, ActorRoles: []konullu.Role{konullu.RoleAdmin}, Action: "setVolunteerSkills",
		Arguments: json.RawMessage(`{"skills":["english"],"note":"` + name + `"}`),
		Changes:   []konullu.AuditChange{{Kind: "Volunteer", ID: me, Before: before, After: before}}})
	if err != nil {
		t.Fatal(err)
	}
	totalBefore := sumMinutes(t, f.db)

	res, err := f.db.DeleteAccount(ctx, user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Withdrawn != 1 || res.KeptAssignments != 1 || res.AnonymousVolunteerID == 0 {
		t.Fatalf("result: %+v", res)
	}

	t.Run("NoPersonalDataLeft", func(t *testing.T) {
		all := dumpAll(t, f.db)
		for _, s := range []string{name, email, phone, "Şəki", "Aynur", "gunay", "+994 55 777 00 00"} {
			if strings.Contains(all, s) {
				t.Errorf("%q is still in the database", s)
			}
		}
		if _, _, err := f.db.Credentials(ctx, email); konullu.ErrorCode(err) != konullu.ENOTFOUND {
			t.Errorf("credentials: %v", err)
		}
		if _, err := f.db.SessionViewer(ctx, []byte("token-hash-of-gunay-000000000000")); konullu.ErrorCode(err) != konullu.EUNAUTHENTICATED {
			t.Errorf("session survived: %v", err)
		}
	})
	t.Run("HoursKeptAnonymously", func(t *testing.T) {
		if got := sumMinutes(t, f.db); got != totalBefore {
			t.Errorf("credited minutes %d, want %d", got, totalBefore)
		}
		vols, err := f.db.VolunteersByIDs(ctx, []int64{res.AnonymousVolunteerID, me})
		if err != nil {
			t.Fatal(err)
		}
		if vols[me] != nil {
			t.Error("the volunteer row is still there")
		}
		anon := vols[res.AnonymousVolunteerID]
		if anon == nil || anon.FullName != store.AnonymousName || anon.TotalMinutes != 210 || anon.Phone != "" || anon.Status != konullu.VolunteerSuspended {
			t.Fatalf("anonymous row: %+v", anon)
		}
		// The age band on the shift's day is kept, the exact birthday is not.
		if got, want := konullu.AgeBandOf(anon.BirthDate, past.StartsAt), konullu.AgeBandOf(time.Date(2008, 11, 20, 0, 0, 0, 0, time.UTC), past.StartsAt); got != want {
			t.Errorf("age band %s, want %s", got, want)
		}
		if anon.BirthDate.Day() != 1 {
			t.Errorf("birth date %s is more precise than needed", anon.BirthDate)
		}
		list, err := f.db.AssignmentsOfVolunteer(ctx, res.AnonymousVolunteerID, time.Time{}, time.Time{})
		if err != nil || len(list) != 2 {
			t.Fatalf("kept assignments: %v %v", list, err)
		}
		if a := list[0]; a.Status != konullu.AssignmentCompleted || a.CreditedMinutes != 210 || a.Note != "" {
			t.Errorf("past assignment: %+v", a)
		}
		if a := list[1]; a.Status != konullu.AssignmentCancelled {
			t.Errorf("future assignment: %+v", a)
		}
	})
	t.Run("WaitlistMovedUp", func(t *testing.T) {
		got, err := f.db.AssignmentsByIDs(ctx, []int64{w.ID})
		if err != nil || got[w.ID].Status != konullu.AssignmentConfirmed {
			t.Fatalf("waiting volunteer: %v %v", got[w.ID], err)
		}
	})
	t.Run("AuditForgets", func(t *testing.T) {
		list, err := f.db.AuditEntries(ctx, konullu.AuditFilter{Kind: "Volunteer", ObjectID: me})
		if err != nil || len(list) != 1 {
			t.Fatalf("audit: %v %v", list, err)
		}
		e := list[0]
		if strings.Contains(string(e.Arguments), name) || strings.Contains(string(e.Changes[0].Before), phone) {
			t.Errorf("audit still holds personal data: %s %s", e.Arguments, e.Changes[0].Before)
		}
		if e.Action != "setVolunteerSkills" || e.ActorUserID != 999 {
			t.Errorf("audit lost who did what: %+v", e)
		}
	})
	t.Run("ErrAlreadyDeleted", func(t *testing.T) {
		_, err := f.db.DeleteAccount(ctx, user.ID)
		wantCode(t, err, konullu.ENOTFOUND)
	})
}

func sumMinutes(t *testing.T, db *store.DB) int {
	t.Helper()
	var n sql.NullInt64
	if err := db.SQL().QueryRow(`SELECT SUM(credited_minutes) FROM assignments WHERE status = 'COMPLETED'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return int(n.Int64)
}

func TestExportPersonalData(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	user, err := f.db.CreateAccount(ctx, konullu.NewAccount{Email: "nigar@example.az", FullName: "Nigar Həsənova", Phone: "+994 50 111 22 33",
		BirthDate: time.Date(2001, 2, 3, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive})
	if err != nil {
		t.Fatal(err)
	}
	s := f.shift(24*time.Hour, 4*time.Hour, 2)
	if _, err := f.db.SignUp(ctx, s.ID, user.VolunteerID, false); err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateSession(ctx, user.ID, []byte("secret-token-hash-00000000000000"), monday.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetAvailability(ctx, user.VolunteerID, konullu.Availability{
		Weekly: []konullu.AvailabilityWindow{{Weekday: 1, Start: "09:00", End: "13:00"}}}); err != nil {
		t.Fatal(err)
	}
	p, err := f.db.ExportPersonalData(ctx, user.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := konullu.MarshalPersonalData(p)
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	for _, want := range []string{"nigar@example.az", "Nigar Həsənova", "+994 50 111 22 33", "2001-02-03", f.centre.Name, `"CONFIRMED"`, "availability_windows"} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "secret-token-hash") || strings.Contains(out, "password") {
		t.Errorf("export holds a secret:\n%s", out)
	}
	if len(p.Sessions) != 1 || len(p.Assignments) != 1 {
		t.Errorf("sessions %d, assignments %d", len(p.Sessions), len(p.Assignments))
	}
	_, err = f.db.ExportPersonalData(ctx, 424242)
	wantCode(t, err, konullu.ENOTFOUND)
}

func TestAuditEntries(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for i := 1; i <= 3; i++ {
		e := &konullu.AuditEntry{ActorUserID: int64(i % 2), ActorRoles: []konullu.Role{konullu.RoleCoordinator}, Action: "cancelShift",
			Arguments: json.RawMessage(`{"id":"x"}`), RequestID: fmt.Sprint("req", i),
			Changes: []konullu.AuditChange{{Kind: "Shift", ID: int64(i), Before: json.RawMessage(`{"status":"PUBLISHED"}`), After: json.RawMessage(`{"status":"CANCELLED"}`)}}}
		if err := f.db.RecordAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	all, err := f.db.AuditEntries(ctx, konullu.AuditFilter{})
	if err != nil || len(all) != 3 || all[0].RequestID != "req3" {
		t.Fatalf("entries: %v %v", all, err)
	}
	byShift, err := f.db.AuditEntries(ctx, konullu.AuditFilter{Kind: "Shift", ObjectID: 2})
	if err != nil || len(byShift) != 1 || string(byShift[0].Changes[0].After) != `{"status":"CANCELLED"}` {
		t.Fatalf("by shift: %v %v", byShift, err)
	}
	page, err := f.db.AuditEntries(ctx, konullu.AuditFilter{Before: all[0].ID, Limit: 1})
	if err != nil || len(page) != 1 || page[0].ID != all[1].ID {
		t.Fatalf("page: %v %v", page, err)
	}
	byActor, err := f.db.AuditEntries(ctx, konullu.AuditFilter{ActorUserID: 1})
	if err != nil || len(byActor) != 2 {
		t.Fatalf("by actor: %v %v", byActor, err)
	}
}

func TestIsUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := store.Open(ctx, "postgres://postgres@127.0.0.1:1/nothing?sslmode=disable&connect_timeout=2", store.Options{})
	if err == nil || !store.IsUnavailable(err) {
		t.Errorf("a refused connection: %v", err)
	}
	for _, err := range []error{nil, fmt.Errorf("store: scan: %w", sql.ErrNoRows), konullu.NotFound("shift")} {
		if store.IsUnavailable(err) {
			t.Errorf("%v is not unavailability", err)
		}
	}
}
