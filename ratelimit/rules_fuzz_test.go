package ratelimit_test

import (
	"testing"

	"github.com/konullu/konullu/ratelimit"
)

// FuzzParseRules: KONULLU_RATE_LIMITS never panics the parser, and rules
// it accepts are written back in a form that reads the same.
func FuzzParseRules(f *testing.F) {
	for _, s := range []string{"", "off", "login=10/15m", "mutation=100/1s+20, register-ip=off", "login-ip=5/h", "login=1/0s", "x=1/1m", "login=9999999999/1m",
		"login=1/1m+", "login==1/1m", ",,,",
		"verify-ip=60/1m+30,calendar-ip=120/1m+60", "calendar-ip=off"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ratelimit.ParseRules(s)
		if err != nil {
			return
		}
		again, err := ratelimit.ParseRules(r.String())
		if err != nil || again != r {
			t.Fatalf("%q → %q → %+v (%v), want %+v", s, r.String(), again, err, r)
		}
	})
}
