package main

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// env returns a getenv over a map.
func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestParseConfig(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		c, err := parseConfig(env(nil))
		if err != nil {
			t.Fatal(err)
		}
		if c.Addr != "localhost:8080" || c.DatabaseURL != "sqlite:konullu.db" || c.RedisURL != "" ||
			c.AdminEmail != "" || !c.Jobs || c.Demo || c.Rules.RequireApproval || c.LogLevel != slog.LevelInfo {
			t.Errorf("defaults: %+v", c)
		}
		if c.Rules.SignupHorizon != 60*24*time.Hour || c.Rules.WithdrawCutoff != 3*time.Hour || c.Rules.MaxSeries != 500 {
			t.Errorf("default rules: %+v", c.Rules)
		}
	})

	t.Run("OK", func(t *testing.T) {
		c, err := parseConfig(env(map[string]string{
			"KONULLU_ADDR":             ":9090",
			"KONULLU_DATABASE_URL":     "postgres://konullu:secret@db:5432/konullu?sslmode=disable",
			"KONULLU_REDIS_URL":        "redis://cache:6379/0",
			"KONULLU_ADMIN_EMAIL":      " Admin@Example.org ",
			"KONULLU_ADMIN_PASSWORD":   "correct horse battery",
			"KONULLU_SMTP_URL":         "smtp://mailer:hunter2@mail.example.org:587",
			"KONULLU_JOBS":             "off",
			"KONULLU_DEMO":             "1",
			"KONULLU_REQUIRE_APPROVAL": "true",
			"KONULLU_SIGNUP_HORIZON":   "1440h",
			"KONULLU_WITHDRAW_CUTOFF":  "90m",
			"KONULLU_LOG_LEVEL":        "DEBUG",
		}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Addr != ":9090" || c.AdminEmail != "admin@example.org" || c.AdminPassword != "correct horse battery" ||
			c.Jobs || !c.Demo || !c.Rules.RequireApproval || c.LogLevel != slog.LevelDebug {
			t.Errorf("parsed: %+v", c)
		}
		if c.Rules.SignupHorizon != 60*24*time.Hour || c.Rules.WithdrawCutoff != 90*time.Minute {
			t.Errorf("rules: %+v", c.Rules)
		}

		// The start-up log line shows the configuration without secrets.
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("starting", "config", c)
		for _, secret := range []string{"secret", "hunter2", "correct horse"} {
			if strings.Contains(buf.String(), secret) {
				t.Errorf("log line shows %q: %s", secret, buf.String())
			}
		}
		if !strings.Contains(buf.String(), "konullu:xxxxx@db:5432") {
			t.Errorf("log line does not show the redacted database URL: %s", buf.String())
		}
	})

	t.Run("Days", func(t *testing.T) {
		c, err := parseConfig(env(map[string]string{"KONULLU_SIGNUP_HORIZON": "14d", "KONULLU_WITHDRAW_CUTOFF": "0"}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Rules.SignupHorizon != 14*24*time.Hour || c.Rules.WithdrawCutoff != 0 {
			t.Errorf("rules: %+v", c.Rules)
		}
	})

	for _, tt := range []struct {
		name, variable, value string
		also                  map[string]string
	}{
		{"ErrAddr", "KONULLU_ADDR", "8080", nil},
		{"ErrDatabaseScheme", "KONULLU_DATABASE_URL", "mysql://db/konullu", nil},
		{"ErrDatabaseSQLiteNoFile", "KONULLU_DATABASE_URL", "sqlite:", nil},
		{"ErrRedis", "KONULLU_REDIS_URL", "cache:6379", nil},
		{"ErrAdminEmail", "KONULLU_ADMIN_EMAIL", "not-an-email", map[string]string{"KONULLU_ADMIN_PASSWORD": "long enough password"}},
		{"ErrAdminPasswordMissing", "KONULLU_ADMIN_PASSWORD", "", map[string]string{"KONULLU_ADMIN_EMAIL": "admin@example.org"}},
		{"ErrAdminPasswordShort", "KONULLU_ADMIN_PASSWORD", "short", map[string]string{"KONULLU_ADMIN_EMAIL": "admin@example.org"}},
		{"ErrAdminEmailMissing", "KONULLU_ADMIN_EMAIL", "", map[string]string{"KONULLU_ADMIN_PASSWORD": "long enough password"}},
		{"ErrSMTP", "KONULLU_SMTP_URL", "http://user:topsecret@mail", nil},
		{"ErrJobs", "KONULLU_JOBS", "sometimes", nil},
		{"ErrDemo", "KONULLU_DEMO", "2", nil},
		{"ErrRequireApproval", "KONULLU_REQUIRE_APPROVAL", "maybe", nil},
		{"ErrHorizon", "KONULLU_SIGNUP_HORIZON", "two months", nil},
		{"ErrHorizonZero", "KONULLU_SIGNUP_HORIZON", "0d", nil},
		{"ErrCutoffNegative", "KONULLU_WITHDRAW_CUTOFF", "-3h", nil},
		{"ErrLogLevel", "KONULLU_LOG_LEVEL", "loud", nil},
		{"ErrRateLimitsVerify", "KONULLU_RATE_LIMITS", "verify-ip=often", nil},
		{"ErrTrustedProxiesName", "KONULLU_TRUSTED_PROXIES", "nginx.internal", nil},
		{"ErrTrustedProxiesCIDR", "KONULLU_TRUSTED_PROXIES", "127.0.0.1,10.0.0.0/33", nil},
		{"ErrPublicURLNoScheme", "KONULLU_PUBLIC_URL", "konullu.az", nil},
		{"ErrPublicURLRelative", "KONULLU_PUBLIC_URL", "/konullu", nil},
		{"ErrPublicURLScheme", "KONULLU_PUBLIC_URL", "ftp://konullu.az", nil},
		{"ErrPublicURLNoHost", "KONULLU_PUBLIC_URL", "https:///verify", nil},
		{"ErrPublicURLOpaque", "KONULLU_PUBLIC_URL", "https:konullu.az", nil},
		{"ErrPublicURLQuery", "KONULLU_PUBLIC_URL", "https://konullu.az/?lang=az", nil},
		{"ErrPublicURLEmptyQuery", "KONULLU_PUBLIC_URL", "https://konullu.az/?", nil},
		{"ErrPublicURLFragment", "KONULLU_PUBLIC_URL", "https://konullu.az/#top", nil},
		{"ErrPublicURLUser", "KONULLU_PUBLIC_URL", "https://admin:topsecret@konullu.az", nil},
		{"ErrPublicURLSpace", "KONULLU_PUBLIC_URL", "https://konullu.az/a b", nil},
		{"ErrPublicURLPort", "KONULLU_PUBLIC_URL", "https://konullu.az:port", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{tt.variable: tt.value}
			for k, v := range tt.also {
				vars[k] = v
			}
			_, err := parseConfig(env(vars))
			var ce *configError
			if !errors.As(err, &ce) {
				t.Fatalf("want a configuration error, got %v", err)
			}
			if ce.name != tt.variable || !strings.HasPrefix(err.Error(), tt.variable+": ") {
				t.Errorf("error %q does not name %s", err, tt.variable)
			}
			if exitCode(err) != 2 {
				t.Errorf("exit code %d, want 2", exitCode(err))
			}
			if strings.Contains(err.Error(), "topsecret") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

func TestPublicURLConfig(t *testing.T) {
	for in, want := range map[string]string{
		"":                             "",
		"https://konullu.az":           "https://konullu.az",
		" https://konullu.az/ ":        "https://konullu.az",
		"https://konullu.az//":         "https://konullu.az",
		"http://127.0.0.1:8080/":       "http://127.0.0.1:8080",
		"https://example.az/konullu/":  "https://example.az/konullu",
		"https://[2001:db8::1]:8443/":  "https://[2001:db8::1]:8443",
		"HTTPS://Konullu.az/Könüllü/":  "HTTPS://Konullu.az/Könüllü",
		"https://könüllü.az/":          "https://könüllü.az",
		"https://konullu.az/a%20b/c/d": "https://konullu.az/a%20b/c/d",
	} {
		c, err := parseConfig(env(map[string]string{"KONULLU_PUBLIC_URL": in}))
		if err != nil || c.PublicURL != want {
			t.Errorf("KONULLU_PUBLIC_URL=%q: %q, %v; want %q", in, c.PublicURL, err, want)
		}
	}

	// The start-up log line shows it: it is not secret.
	var buf bytes.Buffer
	c, _ := parseConfig(env(map[string]string{"KONULLU_PUBLIC_URL": "https://konullu.az/"}))
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("starting", "config", c)
	if !strings.Contains(buf.String(), `"public_url":"https://konullu.az"`) {
		t.Errorf("the log line does not show the public address: %s", buf.String())
	}
	buf.Reset()
	c, _ = parseConfig(env(nil))
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("starting", "config", c)
	if !strings.Contains(buf.String(), `"public_url":"from each request"`) {
		t.Errorf("the log line does not say where links come from: %s", buf.String())
	}
}

func TestHelpListsEveryVariable(t *testing.T) {
	for _, args := range [][]string{{"konullu", "--help"}, {"konullu", "help"}, {"konullu", "seed", "-h"}} {
		var out bytes.Buffer
		if err := run(t.Context(), args, env(nil), &out, &out); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		for _, e := range envVars {
			if !strings.Contains(out.String(), e.name) {
				t.Errorf("%v: help does not list %s", args, e.name)
			}
		}
		for _, want := range []string{"localhost:8080", "sqlite:konullu.db", "60d", "3h", "serve", "migrate", "seed --demo"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%v: help does not mention %q", args, want)
			}
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"konullu", "frobnicate"},
		{"konullu", "seed"},
		{"konullu", "seed", "--demo", "--volunteers", "0"},
		{"konullu", "seed", "--demo", "--weeks", "many"},
		{"konullu", "serve", "--port", "80"},
		{"konullu", "migrate", "extra"},
		{"konullu", "seed", "--demo", "--weeks", "53"},
	} {
		var out bytes.Buffer
		err := run(t.Context(), args, env(nil), &out, &out)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("%v: got %v (exit code %d), want a usage error", args, err, exitCode(err))
		}
	}
	err := run(t.Context(), []string{"konullu", "migrate"}, env(map[string]string{"KONULLU_LOG_LEVEL": "chatty"}), &bytes.Buffer{}, &bytes.Buffer{})
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "KONULLU_LOG_LEVEL") {
		t.Errorf("bad configuration: got %v, want an error naming KONULLU_LOG_LEVEL", err)
	}
}
