package main

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzParseDuration: durations of the configuration (3h, 60d) never panic
// the parser, and days are whole days.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"60d", "3h", "90m", "1440h", "-1d", "99999999999d", "d", "1.5d", "3h30m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDuration(s)
		if err == nil && len(s) > 1 && s[len(s)-1] == 'd' && d%(24*time.Hour) != 0 {
			t.Fatalf("%q is %v", s, d)
		}
	})
}

// FuzzParseConfig: any value of the variables a deployment sets by hand
// either configures the server or names the variable at fault; none panics.
func FuzzParseConfig(f *testing.F) {
	f.Add("KONULLU_RATE_LIMITS", "login=10/15m")
	f.Add("KONULLU_CORS_ORIGINS", "https://app.konullu.az,http://localhost:5173")
	f.Add("KONULLU_ADDR", "[::1]:8080")
	f.Add("KONULLU_DATABASE_URL", "postgres://u:p@h:5432/db?sslmode=disable")
	f.Add("KONULLU_REDIS_URL", "redis://:pw@h:6379/0")
	f.Add("KONULLU_SIGNUP_HORIZON", "60d")
	f.Add("KONULLU_REMINDERS", "24h,2h")
	f.Add("KONULLU_AWARDS", "15-25:100/175/250;26+:100/250/500")
	f.Add("KONULLU_DEV", "yes")
	f.Add("KONULLU_TRUSTED_PROXIES", "127.0.0.1,10.0.0.0/8,fd00::/8")
	f.Add("KONULLU_RATE_LIMITS", "verify-ip=60/1m+30,calendar-ip=off")
	f.Add("KONULLU_PUBLIC_URL", "https://konullu.az/")
	f.Add("KONULLU_PUBLIC_URL", "http://[::1]:8080/konullu?x#y")
	f.Fuzz(func(t *testing.T, name, value string) {
		c, err := parseConfig(env(map[string]string{name: value}))
		if ce, ok := err.(*configError); err != nil && ok && ce.name == "" {
			t.Fatalf("%s=%q: an error that names no variable: %v", name, value, err)
		}
		// A public address that passes makes links by appending paths.
		if err == nil && c.PublicURL != "" {
			u, perr := url.Parse(c.PublicURL + "/verify/ABCDE-12345")
			if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
				u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(c.PublicURL, "/") {
				t.Fatalf("%s=%q: public address %q makes bad links", name, value, c.PublicURL)
			}
		}
	})
}
