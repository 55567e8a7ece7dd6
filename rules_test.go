package konullu_test

import (
	"testing"
	"time"

	"github.com/konullu/konullu"
)

func TestExpandSeriesKeepsLocalTimeAcrossDST(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	// Monday 2030-03-25 09:00 CET; Berlin moves to CEST on Sunday 2030-03-31.
	start := time.Date(2030, 3, 25, 9, 0, 0, 0, berlin)
	got, err := konullu.ExpandSeries(konullu.SeriesInput{
		StartsAt: start, EndsAt: start.Add(4 * time.Hour), Location: berlin,
		Weekdays: []int{1, 3}, Until: time.Date(2030, 4, 3, 0, 0, 0, 0, time.UTC), Max: 500,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 { // Mon 25, Wed 27, Mon 1, Wed 3
		t.Fatalf("got %d shifts", len(got))
	}
	for _, p := range got {
		local := p.StartsAt.In(berlin)
		if local.Hour() != 9 || p.EndsAt.Sub(p.StartsAt) != 4*time.Hour {
			t.Errorf("%v starts at %v local, lasts %v", p.StartsAt, local, p.EndsAt.Sub(p.StartsAt))
		}
	}
	if got[0].StartsAt.Hour() != 8 || got[2].StartsAt.Hour() != 7 {
		t.Errorf("UTC starts %v and %v, want 08:00 before and 07:00 after the change", got[0].StartsAt, got[2].StartsAt)
	}
}

func TestExpandSeriesLimits(t *testing.T) {
	baku, _ := time.LoadLocation("Asia/Baku")
	start := time.Date(2030, 1, 7, 9, 0, 0, 0, baku)
	in := konullu.SeriesInput{StartsAt: start, EndsAt: start.Add(time.Hour), Location: baku,
		Weekdays: []int{1, 2, 3, 4, 5, 6, 7}, Until: time.Date(2032, 1, 1, 0, 0, 0, 0, time.UTC), Max: 500}
	if _, err := konullu.ExpandSeries(in); konullu.ErrorCode(err) != konullu.EINVALID {
		t.Fatalf("730 shifts: want INVALID_INPUT, got %v", err)
	}
	in.Weekdays = []int{8}
	if _, err := konullu.ExpandSeries(in); konullu.ErrorCode(err) != konullu.EINVALID {
		t.Fatalf("weekday 8: got %v", err)
	}
	in.Weekdays, in.EndsAt = nil, start.Add(-time.Hour)
	if _, err := konullu.ExpandSeries(in); konullu.ErrorCode(err) != konullu.EINVALID {
		t.Fatalf("end before start: got %v", err)
	}
}

func TestCreditedMinutesIsTheOverlapWithTheShift(t *testing.T) {
	start := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	s := &konullu.Shift{StartsAt: start, EndsAt: start.Add(4 * time.Hour)}
	for _, c := range []struct {
		in, out time.Duration
		want    int
	}{
		{-30 * time.Minute, 5 * time.Hour, 240}, // early and late: the shift only
		{15 * time.Minute, 2 * time.Hour, 105},
		{5 * time.Hour, 6 * time.Hour, 0}, // after the shift
	} {
		if got := konullu.CreditedMinutes(s, start.Add(c.in), start.Add(c.out)); got != c.want {
			t.Errorf("%v..%v: %d, want %d", c.in, c.out, got, c.want)
		}
	}
}

func TestAgeOn(t *testing.T) {
	birth := time.Date(2012, 3, 11, 0, 0, 0, 0, time.UTC)
	if a := konullu.AgeOn(birth, time.Date(2030, 3, 10, 23, 0, 0, 0, time.UTC)); a != 17 {
		t.Errorf("the day before the birthday: %d", a)
	}
	if a := konullu.AgeOn(birth, time.Date(2030, 3, 11, 0, 0, 0, 0, time.UTC)); a != 18 {
		t.Errorf("on the birthday: %d", a)
	}
}

func TestPasswordHash(t *testing.T) {
	p := konullu.Argon2Params{Time: 1, Memory: 64, Threads: 1}
	h, err := konullu.HashPassword("correct horse battery", p)
	if err != nil {
		t.Fatal(err)
	}
	if !konullu.CheckPassword("correct horse battery", h) {
		t.Error("the right password does not match")
	}
	if konullu.CheckPassword("correct horse battery!", h) || konullu.CheckPassword("x", "") || konullu.CheckPassword("x", "$argon2id$bad") {
		t.Error("a wrong password or a malformed hash matches")
	}
	h2, _ := konullu.HashPassword("correct horse battery", p)
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
}

func TestValidation(t *testing.T) {
	if e, err := konullu.NormalizeEmail("email", " Aysel@Example.AZ "); err != nil || e != "aysel@example.az" {
		t.Errorf("got %q %v", e, err)
	}
	for _, bad := range []string{"", "aysel", "aysel@", "Aysel <a@b.az>", "a@localhost"} {
		if _, err := konullu.NormalizeEmail("email", bad); konullu.ErrorCode(err) != konullu.EINVALID {
			t.Errorf("%q accepted", bad)
		}
	}
	if err := konullu.ValidatePassword("password", "əəəəəəəəə"); err == nil {
		t.Error("9 characters accepted")
	}
	if err := konullu.ValidatePassword("password", "əəəəəəəəəə"); err != nil {
		t.Errorf("10 Azerbaijani letters refused: %v", err)
	}
	if _, err := konullu.ValidateTimezone("timezone", "Mars/Base"); konullu.ErrorCode(err) != konullu.EINVALID {
		t.Error("unknown zone accepted")
	}
}

func TestWithdrawAndCheckInWindows(t *testing.T) {
	r := konullu.DefaultRules()
	start := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	s := &konullu.Shift{StartsAt: start, EndsAt: start.Add(4 * time.Hour), Status: konullu.ShiftPublished}
	conf := &konullu.Assignment{Status: konullu.AssignmentConfirmed}
	if err := r.CheckWithdraw(start.Add(-3*time.Hour-time.Minute), s, conf, false); err != nil {
		t.Errorf("before the cut-off: %v", err)
	}
	if err := r.CheckWithdraw(start.Add(-2*time.Hour), s, conf, false); konullu.ErrorCode(err) != konullu.ESIGNUPCLOSED {
		t.Errorf("after the cut-off: %v", err)
	}
	if err := r.CheckWithdraw(start.Add(time.Hour), s, conf, true); err != nil {
		t.Errorf("coordinator during the shift: %v", err)
	}
	if err := r.CheckCheckIn(start.Add(-31*time.Minute), s, conf); err == nil {
		t.Error("check-in 31 minutes early accepted")
	}
	if err := r.CheckCheckIn(start.Add(-30*time.Minute), s, conf); err != nil {
		t.Errorf("check-in 30 minutes early: %v", err)
	}
	if err := r.CheckCheckIn(s.EndsAt, s, conf); err == nil {
		t.Error("check-in at the end accepted")
	}
}
