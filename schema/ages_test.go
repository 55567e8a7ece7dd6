package schema_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

// TestAgesCountOnTheCentresDate: a volunteer born on 18 March 2007 is 18 on
// 18 March 2025. A shift at 01:00 in Baku on that day starts on the 17th in
// UTC; one at 20:00 in Los Angeles on the 17th starts on the 18th in UTC.
// Every age decision of the API (minimum age of signUp and assignVolunteer,
// guardian's consent, availableVolunteers, needsGuardianConsent, the
// volunteers filter, report age bands) reads the date where the shift is, or
// where the deployment is (Asia/Baku) for "today"; a volunteer with no birth
// date meets no minimum age and needs a guardian's consent.
func TestAgesCountOnTheCentresDate(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	admin := e.admin()
	baku := konullu.VolunteerLocation("Asia/Baku")
	la := konullu.VolunteerLocation("America/Los_Angeles")
	bakuCentre := e.centre("Bakı ASAN 1", "Asia/Baku")
	laCentre := e.centre("Los Angeles", "America/Los_Angeles")
	adults := &konullu.Position{Name: "Adults only", MinimumAge: 18}
	if err := e.db.CreatePosition(ctx, adults); err != nil {
		t.Fatal(err)
	}
	open := e.position("Reception")

	bakuStart := time.Date(2025, 3, 18, 1, 0, 0, 0, baku) // 17 March, 21:00 UTC
	laStart := time.Date(2025, 3, 17, 20, 0, 0, 0, la)    // 18 March, 03:00 UTC
	if bakuStart.UTC().Day() != 17 || laStart.UTC().Day() != 18 {
		t.Fatalf("the fixture's instants are wrong: %s, %s", bakuStart.UTC(), laStart.UTC())
	}
	bakuAdults := e.shift(bakuCentre, adults, bakuStart, 5, true)
	bakuOpen := e.shift(bakuCentre, open, bakuStart, 5, true)
	laAdults := e.shift(laCentre, adults, laStart, 5, true)
	laOpen := e.shift(laCentre, open, laStart, 5, true)

	coord := e.account("coord@konullu.az", "Coordinator")
	e.grant(coord, konullu.RoleCoordinator, bakuCentre.ID, laCentre.ID)
	coordTok := e.login("coord@konullu.az")

	birthday := time.Date(2007, 3, 18, 0, 0, 0, 0, time.UTC)
	n := 0
	volunteer := func(name string, born time.Time) (int64, string) {
		n++
		email := fmt.Sprintf("v%d@example.az", n)
		u := e.account(email, name)
		birth := "NULL"
		if !born.IsZero() {
			birth = "'" + born.Format(time.DateOnly) + "'" // both dialects read a date literal; the values are ours
		}
		if _, err := e.db.SQL().ExecContext(ctx, fmt.Sprintf(`UPDATE volunteers SET birth_date = %s WHERE id = %d`, birth, u.VolunteerID)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.SetAvailability(ctx, u.VolunteerID, konullu.Availability{Weekly: []konullu.AvailabilityWindow{
			{Weekday: 2, Start: "00:00", End: "24:00"}}}); err != nil { // Tuesday 18 March in Baku: both shifts
			t.Fatal(err)
		}
		return u.VolunteerID, e.login(email)
	}
	const signUp = `mutation($s: ID!) { signUp(shiftId: $s) { status } }`
	const assign = `mutation($s: ID!, $v: ID!) { assignVolunteer(shiftId: $s, volunteerId: $v) { status } }`
	status := func(t *testing.T, r *result) string {
		t.Helper()
		var d map[string]struct{ Status string }
		r.ok(t, &d)
		for _, a := range d {
			return a.Status
		}
		return ""
	}

	t.Run("MinimumAgeOnTheBakuDate", func(t *testing.T) {
		_, tok := volunteer("Nigar Bakı", birthday)
		if got := status(t, e.post(tok, signUp, map[string]any{"s": gid("Shift", bakuAdults.ID)})); got != "CONFIRMED" {
			t.Fatalf("signUp: %s", got)
		}
	})
	t.Run("MinimumAgeOnTheLosAngelesDate", func(t *testing.T) {
		id, tok := volunteer("Nigar LA", birthday)
		e.post(tok, signUp, map[string]any{"s": gid("Shift", laAdults.ID)}).wantError(t, konullu.EREQUIREMENT, "")
		e.post(coordTok, assign, map[string]any{"s": gid("Shift", laAdults.ID), "v": gid("Volunteer", id)}).wantError(t, konullu.EREQUIREMENT, "")
	})
	t.Run("GuardianConsentOnTheBakuDate", func(t *testing.T) {
		id, _ := volunteer("Aysel Bakı", birthday)
		if got := status(t, e.post(coordTok, assign, map[string]any{"s": gid("Shift", bakuOpen.ID), "v": gid("Volunteer", id)})); got != "CONFIRMED" {
			t.Fatalf("assignVolunteer: %s", got)
		}
	})
	t.Run("GuardianConsentOnTheLosAngelesDate", func(t *testing.T) {
		id, tok := volunteer("Aysel LA", birthday)
		e.post(tok, signUp, map[string]any{"s": gid("Shift", laOpen.ID)}).wantError(t, konullu.EREQUIREMENT, "")
		e.post(coordTok, assign, map[string]any{"s": gid("Shift", laOpen.ID), "v": gid("Volunteer", id)}).wantError(t, konullu.EREQUIREMENT, "")
		if _, err := e.db.RecordGuardianConsent(ctx, konullu.GuardianConsent{VolunteerID: id, GuardianName: "Səbinə", Relationship: "mother", RecordedBy: coord.ID}); err != nil {
			t.Fatal(err)
		}
		if got := status(t, e.post(coordTok, assign, map[string]any{"s": gid("Shift", laOpen.ID), "v": gid("Volunteer", id)})); got != "CONFIRMED" {
			t.Fatalf("assignVolunteer with a consent: %s", got)
		}
	})
	unknown, unknownTok := volunteer("Anar Naməlum", time.Time{})
	t.Run("UnknownBirthDateSkipsNoCheck", func(t *testing.T) {
		e.post(unknownTok, signUp, map[string]any{"s": gid("Shift", bakuAdults.ID)}).wantError(t, konullu.EREQUIREMENT, "")
		e.post(unknownTok, signUp, map[string]any{"s": gid("Shift", bakuOpen.ID)}).wantError(t, konullu.EREQUIREMENT, "")
		e.post(coordTok, assign, map[string]any{"s": gid("Shift", bakuOpen.ID), "v": gid("Volunteer", unknown)}).wantError(t, konullu.EREQUIREMENT, "")
		var d struct {
			Volunteer struct{ NeedsGuardianConsent bool }
		}
		e.post(coordTok, `query($id: ID!) { volunteer(id: $id) { needsGuardianConsent } }`, map[string]any{"id": gid("Volunteer", unknown)}).ok(t, &d)
		if !d.Volunteer.NeedsGuardianConsent {
			t.Error("needsGuardianConsent is false without a birth date")
		}
	})
	t.Run("AvailableVolunteers", func(t *testing.T) {
		volunteer("Leyla Bakı", birthday)
		volunteer("Rəşad", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
		names := func(s *konullu.Shift) []string {
			var d struct {
				AvailableVolunteers []struct{ Volunteer struct{ FullName string } }
			}
			e.post(coordTok, availableVolunteers, map[string]any{"s": gid("Shift", s.ID), "n": 50}).ok(t, &d)
			var out []string
			for _, m := range d.AvailableVolunteers {
				out = append(out, m.Volunteer.FullName)
			}
			return out
		}
		if got := names(bakuAdults); !slices.Contains(got, "Leyla Bakı") || !slices.Contains(got, "Rəşad") || slices.Contains(got, "Anar Naməlum") {
			t.Errorf("for 01:00 in Baku: %q; want Leyla Bakı (18 there) and Rəşad, not Anar (no birth date)", got)
		}
		if got := names(laAdults); slices.Contains(got, "Leyla Bakı") || !slices.Contains(got, "Rəşad") || slices.Contains(got, "Anar Naməlum") {
			t.Errorf("for 20:00 in Los Angeles: %q; want Rəşad, not Leyla Bakı (17 there) nor Anar", got)
		}
	})
	t.Run("TodayInTheDeploymentsZone", func(t *testing.T) {
		id, _ := volunteer("Günay", birthday)
		defer e.clock.Set(t0)
		for _, c := range []struct {
			now   time.Time
			needs bool
		}{
			{time.Date(2025, 3, 17, 19, 0, 0, 0, time.UTC), true},  // 23:00 on the 17th in Baku
			{time.Date(2025, 3, 17, 21, 0, 0, 0, time.UTC), false}, // 01:00 on the 18th in Baku
		} {
			e.clock.Set(c.now)
			var d struct {
				Volunteer  struct{ NeedsGuardianConsent bool }
				Volunteers struct {
					Edges []struct{ Node struct{ FullName string } }
				}
			}
			e.post(coordTok, `query($id: ID!) { volunteer(id: $id) { needsGuardianConsent }
				volunteers(needsGuardianConsent: true, first: 100) { edges { node { fullName } } } }`,
				map[string]any{"id": gid("Volunteer", id)}).ok(t, &d)
			listed := slices.ContainsFunc(d.Volunteers.Edges, func(x struct{ Node struct{ FullName string } }) bool { return x.Node.FullName == "Günay" })
			if d.Volunteer.NeedsGuardianConsent != c.needs || listed != c.needs {
				t.Errorf("at %s: needsGuardianConsent %v, listed %v; want %v", c.now, d.Volunteer.NeedsGuardianConsent, listed, c.needs)
			}
			if c.needs && !slices.ContainsFunc(d.Volunteers.Edges, func(x struct{ Node struct{ FullName string } }) bool { return x.Node.FullName == "Anar Naməlum" }) {
				t.Errorf("at %s: the volunteer with no birth date is not listed as needing a consent", c.now)
			}
		}
	})
	t.Run("ReportAgeBands", func(t *testing.T) {
		bands := func(c *konullu.Centre) map[string]int {
			var d struct {
				ParticipationReport struct {
					ByAgeBand []struct {
						Key         string
						Assignments int
					}
				}
			}
			e.post(admin, `query($c: ID) { participationReport(from: "2025-03-17", to: "2025-03-18", centreId: $c) { byAgeBand { key assignments } } }`,
				map[string]any{"c": gid("Centre", c.ID)}).ok(t, &d)
			out := map[string]int{}
			for _, b := range d.ParticipationReport.ByAgeBand {
				if b.Assignments > 0 {
					out[b.Key] = b.Assignments
				}
			}
			return out
		}
		if got := bands(bakuCentre); len(got) != 1 || got["18_21"] != 2 {
			t.Errorf("Baku at 01:00: %v, want two assignments aged 18–21", got)
		}
		if got := bands(laCentre); len(got) != 1 || got["UNDER_18"] != 1 {
			t.Errorf("Los Angeles at 20:00: %v, want one assignment under 18", got)
		}
	})
}
