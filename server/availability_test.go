package main

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/redisconn"
	"github.com/konullu/konullu/redisconn/redistest"
	"github.com/konullu/konullu/store/storetest"
)

// testRedisDB is the database of KONULLU_TEST_REDIS_URL's server that these
// tests own: they flush it, which no test may do to a shared one.
const testRedisDB = 11

// ownRedisURL returns the URL of testRedisDB, flushed, or "" (the embedded
// Redis) when KONULLU_TEST_REDIS_URL is not set.
func ownRedisURL(t *testing.T) string {
	t.Helper()
	u, _ := redistest.OwnDB(t, testRedisDB)
	return u
}

// TestAvailabilityOverHTTP is the story of the issue through the running
// server: volunteers declare when they are free, a coordinator asks who can
// take next Monday 10:00–14:00, one volunteer signs up elsewhere and drops
// out; /readyz reports Redis; and, on a real Redis, a FLUSHDB loses neither
// answers nor sessions, and the index comes back by itself.
func TestAvailabilityOverHTTP(t *testing.T) {
	redisURL := ownRedisURL(t)
	srv := start(t, map[string]string{
		"KONULLU_DATABASE_URL":   storetest.MigratedURL(t),
		"KONULLU_REDIS_URL":      redisURL,
		"KONULLU_ADMIN_EMAIL":    adminEmail,
		"KONULLU_ADMIN_PASSWORD": adminPassword,
		"KONULLU_JOBS":           "off",
	})
	var login struct{ Login struct{ Token string } }
	mustGraphQL(t, srv.url, "", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		map[string]any{"e": adminEmail, "p": adminPassword}, &login)
	admin := login.Login.Token

	var centre struct{ CreateCentre struct{ ID string } }
	mustGraphQL(t, srv.url, admin, `mutation { createCentre(input: {name: "ASAN xidmət №1", city: "Bakı", timezone: "Asia/Baku"}) { id } }`, nil, &centre)
	var position struct{ CreatePosition struct{ ID string } }
	mustGraphQL(t, srv.url, admin, `mutation { createPosition(input: {name: "Reception guide"}) { id } }`, nil, &position)
	baku := konullu.VolunteerLocation("Asia/Baku")
	day := konullu.DateOf(time.Now().In(baku)).AddDate(0, 0, 7)
	for konullu.ISOWeekday(day) != 1 {
		day = day.AddDate(0, 0, 1)
	}
	at := func(h int) string {
		return time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, baku).UTC().Format(time.RFC3339)
	}
	shift := func(from, to int) string {
		var s struct{ CreateShifts []struct{ ID string } }
		mustGraphQL(t, srv.url, admin, `mutation($in: CreateShiftsInput!) { createShifts(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"centreId": centre.CreateCentre.ID, "positionId": position.CreatePosition.ID,
				"startsAt": at(from), "endsAt": at(to), "capacity": 3, "publish": true}}, &s)
		return s.CreateShifts[0].ID
	}
	ours, elsewhere := shift(10, 14), shift(13, 17)

	coordinator, coordinatorID := register(t, srv.url, "coordinator@example.az")
	mustGraphQL(t, srv.url, admin, `mutation($u: ID!, $c: [ID!]) { grantRole(userId: $u, role: COORDINATOR, centreIds: $c) { id } }`,
		map[string]any{"u": coordinatorID, "c": []string{centre.CreateCentre.ID}}, nil)
	names := []string{"aysel", "murad"}
	tokens := map[string]string{}
	for _, name := range names {
		tok, _ := register(t, srv.url, name+"@example.az")
		mustGraphQL(t, srv.url, tok, `mutation { updateMyProfile(input: {fullName: "`+name+`"}) { id } }`, nil, nil)
		mustGraphQL(t, srv.url, tok, `mutation { setMyAvailability(input: {weekly: [{weekday: 1, start: "09:00", end: "15:00"}]}) { weekly { start } } }`, nil, nil)
		tokens[name] = tok
	}
	free := func() []string {
		t.Helper()
		var d struct {
			AvailableVolunteers []struct{ Volunteer struct{ FullName string } }
		}
		mustGraphQL(t, srv.url, coordinator, `query($s: ID!) { availableVolunteers(shiftId: $s) { volunteer { fullName } } }`,
			map[string]any{"s": ours}, &d)
		var out []string
		for _, m := range d.AvailableVolunteers {
			out = append(out, m.Volunteer.FullName)
		}
		slices.Sort(out)
		return out
	}
	if got := free(); !slices.Equal(got, names) {
		t.Fatalf("free: %v, want %v", got, names)
	}

	mustGraphQL(t, srv.url, tokens["murad"], `mutation($s: ID!) { signUp(shiftId: $s) { status } }`, map[string]any{"s": elsewhere}, nil)
	if got := free(); !slices.Equal(got, []string{"aysel"}) {
		t.Fatalf("after Murad signed up elsewhere from 13:00: %v, want [aysel]", got)
	}

	res, body := get(t, srv.url+"/readyz")
	var ready struct{ Checks map[string]string }
	json.Unmarshal([]byte(body), &ready)
	if res.StatusCode != http.StatusOK || ready.Checks["redis"] != "ok" {
		t.Fatalf("/readyz: %s %s", res.Status, body)
	}

	if redisURL == "" {
		return // the embedded Redis is out of the test's reach
	}
	rdb, closeRedis, err := redisconn.Open(context.Background(), redisURL)
	if err != nil {
		t.Fatal(err)
	}
	defer closeRedis()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	if got := free(); !slices.Equal(got, []string{"aysel"}) { // from SQL meanwhile
		t.Fatalf("right after the flush: %v, want [aysel]", got)
	}
	deadline := time.Now().Add(time.Minute)
	for rdb.Exists(context.Background(), "{konullu}:gen").Val() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the index was not rebuilt within a minute of the flush")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := free(); !slices.Equal(got, []string{"aysel"}) {
		t.Fatalf("from the rebuilt index: %v, want [aysel]", got)
	}
	// No session was lost: they live in the database.
	mustGraphQL(t, srv.url, tokens["aysel"], `{ me { email } }`, nil, nil)
}

// TestReindexCommand: `konullu reindex` rebuilds the index of a shared
// Redis, and explains itself without one.
func TestReindexCommand(t *testing.T) {
	dbURL := storetest.MigratedURL(t)
	var stdout, stderr syncBuffer
	err := run(context.Background(), []string{"konullu", "reindex"}, env(map[string]string{"KONULLU_DATABASE_URL": dbURL}), &stdout, &stderr)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "KONULLU_REDIS_URL") {
		t.Fatalf("without KONULLU_REDIS_URL: %v", err)
	}
	redisURL := ownRedisURL(t)
	if redisURL == "" {
		t.Skip("KONULLU_TEST_REDIS_URL is not set")
	}
	err = run(context.Background(), []string{"konullu", "reindex"},
		env(map[string]string{"KONULLU_DATABASE_URL": dbURL, "KONULLU_REDIS_URL": redisURL}), &stdout, &stderr)
	if err != nil || !strings.Contains(stdout.String(), "availability index rebuilt") {
		t.Fatalf("reindex: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
}
