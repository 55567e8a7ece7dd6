package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu/store/storetest"
)

// TestThreeInstancesNeverOversell runs three `serve` instances on one
// PostgreSQL database, started at the same moment (so their migrations race
// for the advisory lock), and has 40 volunteers race over HTTP for the 5
// places of one shift, spread over the instances.
func TestThreeInstancesNeverOversell(t *testing.T) {
	if os.Getenv(storetest.EnvDatabaseURL) == "" {
		t.Skipf("%s is not set: this test needs PostgreSQL", storetest.EnvDatabaseURL)
	}
	t.Parallel()
	const (
		capacity   = 5
		volunteers = 40
	)
	vars := map[string]string{
		"KONULLU_DATABASE_URL":   storetest.URL(t),
		"KONULLU_ADMIN_EMAIL":    adminEmail,
		"KONULLU_ADMIN_PASSWORD": adminPassword,
		"KONULLU_JOBS":           "off",
	}
	servers := make([]*instance, 3)
	var wg sync.WaitGroup
	for i := range servers {
		wg.Go(func() {
			var err error
			if servers[i], err = launch(t, vars); err != nil {
				t.Errorf("instance %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	migrated := 0
	for _, s := range servers {
		if strings.Contains(s.stderr.String(), `"msg":"migrated"`) {
			migrated++
		}
	}
	t.Logf("%d of the 3 instances applied migrations; the others found them applied", migrated)
	url := func(i int) string { return servers[i%len(servers)].url }

	// The admin sets up a centre, a position and a coordinator.
	var login struct{ Login struct{ Token string } }
	mustGraphQL(t, url(0), "", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		map[string]any{"e": adminEmail, "p": adminPassword}, &login)
	admin := login.Login.Token
	var centre struct{ CreateCentre struct{ ID string } }
	mustGraphQL(t, url(0), admin, `mutation { createCentre(input: {name: "Bakı 1 saylı ASAN xidmət mərkəzi", city: "Bakı", timezone: "Asia/Baku"}) { id } }`, nil, &centre)
	var position struct{ CreatePosition struct{ ID string } }
	mustGraphQL(t, url(1), admin, `mutation { createPosition(input: {name: "Reception guide"}) { id } }`, nil, &position)
	coordinator, coordinatorID := register(t, url(2), "coordinator@example.org")
	mustGraphQL(t, url(2), admin, `mutation($u: ID!, $c: ID!) { grantRole(userId: $u, role: COORDINATOR, centreIds: [$c]) { id } }`,
		map[string]any{"u": coordinatorID, "c": centre.CreateCentre.ID}, nil)

	// The coordinator publishes one shift tomorrow.
	startsAt := time.Now().UTC().Add(24 * time.Hour).Truncate(time.Hour)
	var shifts struct{ CreateShifts []struct{ ID string } }
	mustGraphQL(t, url(1), coordinator, `mutation($in: CreateShiftsInput!) { createShifts(input: $in) { id } }`,
		map[string]any{"in": map[string]any{
			"centreId": centre.CreateCentre.ID, "positionId": position.CreatePosition.ID,
			"startsAt": startsAt.Format(time.RFC3339), "endsAt": startsAt.Add(4 * time.Hour).Format(time.RFC3339),
			"capacity": capacity, "publish": true,
		}}, &shifts)
	if len(shifts.CreateShifts) != 1 {
		t.Fatalf("created %d shifts", len(shifts.CreateShifts))
	}
	shiftID := shifts.CreateShifts[0].ID

	tokens := make([]string, volunteers)
	for i := range tokens {
		wg.Go(func() { tokens[i], _ = register(t, url(i), fmt.Sprintf("volunteer%02d@example.org", i)) })
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// All at once, over the three instances.
	type assignment struct {
		Status           string
		WaitlistPosition *int
	}
	results := make([]assignment, volunteers)
	ready := make(chan struct{})
	for i := range tokens {
		wg.Go(func() {
			<-ready
			var out struct{ SignUp assignment }
			if errs := graphql(t, url(i), tokens[i], `mutation($s: ID!) { signUp(shiftId: $s) { status waitlistPosition } }`,
				map[string]any{"s": shiftID}, &out); len(errs) > 0 {
				t.Errorf("volunteer %d: %+v", i, errs)
			}
			results[i] = out.SignUp
		})
	}
	close(ready)
	wg.Wait()

	confirmed, waitlisted := 0, []int{}
	for i, r := range results {
		switch {
		case r.Status == "CONFIRMED" && r.WaitlistPosition == nil:
			confirmed++
		case r.Status == "WAITLISTED" && r.WaitlistPosition != nil:
			waitlisted = append(waitlisted, *r.WaitlistPosition)
		default:
			t.Errorf("volunteer %d: %+v", i, r)
		}
	}
	slices.Sort(waitlisted)
	want := make([]int, volunteers-capacity)
	for i := range want {
		want[i] = i + 1
	}
	if confirmed != capacity || !slices.Equal(waitlisted, want) {
		t.Errorf("%d CONFIRMED, waitlist positions %v; want %d and 1..%d", confirmed, waitlisted, capacity, volunteers-capacity)
	}

	// Every instance sees the same shift.
	for i := range servers {
		var s struct {
			Shift struct {
				ConfirmedCount, WaitlistCount int
				Assignments                   []struct{ Status string }
			}
		}
		mustGraphQL(t, url(i), coordinator, `query($s: ID!) { shift(id: $s) { confirmedCount waitlistCount assignments { status } } }`,
			map[string]any{"s": shiftID}, &s)
		if s.Shift.ConfirmedCount != capacity || s.Shift.WaitlistCount != volunteers-capacity || len(s.Shift.Assignments) != volunteers {
			t.Errorf("instance %d sees %d confirmed, %d waitlisted, %d assignments", i,
				s.Shift.ConfirmedCount, s.Shift.WaitlistCount, len(s.Shift.Assignments))
		}
	}
}

// register creates a volunteer account and returns its token and user id.
// It may run in any goroutine: a failure is reported, not fatal.
func register(t *testing.T, url, email string) (token, userID string) {
	var out struct {
		Register struct {
			Token string
			User  struct{ ID string }
		}
	}
	graphql(t, url, "", `mutation($in: RegisterInput!) { register(input: $in) { token user { id } } }`,
		map[string]any{"in": map[string]any{
			"email": email, "password": "volunteer password", "fullName": "Test Könüllü", "birthDate": "2001-05-28",
		}}, &out)
	if out.Register.Token == "" {
		t.Errorf("register %s: no token", email)
	}
	return out.Register.Token, out.Register.User.ID
}
