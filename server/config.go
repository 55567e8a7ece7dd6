package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/ratelimit"
	"github.com/konullu/konullu/redact"
	"github.com/konullu/konullu/redisconn"
)

// Config is the server's configuration, read from KONULLU_* environment variables.
type Config struct {
	Addr          string // host:port to listen on
	PublicURL     string // the address people reach the server at, no trailing slash; empty: from each request
	DatabaseURL   string // sqlite:PATH or postgres://…
	RedisURL      string // empty: the embedded Redis-compatible server
	AdminEmail    string // bootstrap admin, created at start if absent; empty: none
	AdminPassword string
	SMTPURL       string // empty: messages stay in the app and are logged
	Jobs          bool   // this instance runs the scheduled jobs
	Notify        NotifyConfig
	Demo          bool // seed demo data into an empty database at start
	Rules         konullu.Rules
	LogLevel      slog.Level
	Hardening
}

// Hardening is the configuration of the abuse limits (hardening.go).
type Hardening struct {
	RateLimits  ratelimit.Rules // shared through Redis, per instance while it is gone
	CORSOrigins []string        // origins whose pages may call the API; none: no CORS
	Dev         bool            // introspection for everyone, not only admins
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed (proxy.go); none: the peer is the client.
	TrustedProxies trustedProxies
	// MetricsAddr is the listener of /metrics alone (host:port); "": none.
	MetricsAddr string
	// MetricsToken is the bearer token /metrics asks for (16+ characters);
	// with it and no MetricsAddr, the main listener serves /metrics.
	MetricsToken string
	// CheckInSecret is the HMAC key of check-in codes (16+ characters);
	// "": one kept in the database, made on first use. Never logged.
	CheckInSecret string
}

// envVar is one configuration variable; the list is the single source of
// names, defaults and help text.
type envVar struct {
	name, def, help string
}

var envVars = []envVar{
	{"KONULLU_ADDR", "localhost:8080", "address to listen on (host:port)"},
	{"KONULLU_PUBLIC_URL", "", "the address people reach the server at (https://konullu.az); links in certificates and calendar feeds use it; empty: taken from each request"},
	{"KONULLU_DATABASE_URL", "sqlite:konullu.db", "system of record: sqlite:PATH or postgres://user:pass@host:5432/db"},
	{"KONULLU_REDIS_URL", "", "redis://host:6379/0, rediss://…, redis+cluster://host:6379,host:6379, or empty for the embedded server"},
	{"KONULLU_ADMIN_EMAIL", "", "bootstrap admin, created at start if absent (needs KONULLU_ADMIN_PASSWORD)"},
	{"KONULLU_ADMIN_PASSWORD", "", "password of the bootstrap admin, 10+ characters"},
	{"KONULLU_SMTP_URL", "", "smtp://user:pass@host:port[?from=…&tls=starttls|mandatory|none] or smtps://…; empty: email is kept in-app and logged"},
	{"KONULLU_JOBS", "on", "off: this instance schedules no jobs (it still delivers notifications and answers runJob)"},
	{"KONULLU_WEBHOOK_URL", "", "gateway (SMS, messengers) that gets notifications as JSON POSTs signed with HMAC-SHA256"},
	{"KONULLU_WEBHOOK_SECRET", "", "the HMAC key of webhook signatures (required with KONULLU_WEBHOOK_URL)"},
	{"KONULLU_CHECKIN_SECRET", "", "the HMAC key of kiosk and personal check-in codes, 16+ characters, the same on every instance; empty: one made and kept in the database"},
	{"KONULLU_TIMEZONE", "Asia/Baku", "the deployment's time zone: days of reports are read in it and Monday digests go out at 08:00 there"},
	{"KONULLU_REMINDERS", "24h,2h", "lead times of shift reminders, comma-separated"},
	{"KONULLU_NO_SHOW_GRACE", "30m", "a confirmed assignment without check-in becomes NO_SHOW this long after the end"},
	{"KONULLU_AWARDS", "15-25:100/175/250;26+:100/250/500", "award thresholds (hours in 12 months) by age band"},
	{"KONULLU_DEMO", "0", "1: seed demo data at start when the database has no centres"},
	{"KONULLU_REQUIRE_APPROVAL", "0", "1: new volunteers stay PENDING until a coordinator approves them"},
	{"KONULLU_SIGNUP_HORIZON", "60d", "how far ahead volunteers may sign up (e.g. 60d, 1440h)"},
	{"KONULLU_WITHDRAW_CUTOFF", "3h", "volunteers may withdraw until this long before the start (e.g. 3h, 90m)"},
	{"KONULLU_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"KONULLU_RATE_LIMITS", "", "login=10/15m,login-ip=60/1m+30,register-ip=20/1h,mutation=120/1m+60,verify-ip=60/1m+30,calendar-ip=120/1m+60,checkin-code=30/1m+10,message=20/1h+5,inbound-ip=300/1m+100 (defaults; name the ones to change, or off)"},
	{"KONULLU_TRUSTED_PROXIES", "", "comma-separated IPs or CIDRs of reverse proxies (127.0.0.1,10.0.0.0/8) whose X-Forwarded-For and X-Forwarded-Proto are believed; none: the peer is the client"},
	{"KONULLU_CORS_ORIGINS", "", "comma-separated origins (https://app.example.az) allowed to call the API from a browser; none: CORS off"},
	{"KONULLU_METRICS_ADDR", "", "serve Prometheus /metrics on this separate address only (127.0.0.1:9090); with neither this nor KONULLU_METRICS_TOKEN, /metrics is 404"},
	{"KONULLU_METRICS_TOKEN", "", "bearer token (16+ characters) that /metrics asks for; without KONULLU_METRICS_ADDR it serves /metrics on the main address"},
	{"KONULLU_DEV", "0", "1: development mode: GraphQL introspection open to everyone (else admins only)"},
}

// configError names the variable at fault; the binary exits with status 2.
type configError struct {
	name, msg string
}

func (e *configError) Error() string { return e.name + ": " + e.msg }

// ExitCode is the exit status of a configuration error.
func (e *configError) ExitCode() int { return 2 }

// parseConfig reads the configuration from getenv, using the defaults of
// envVars for unset or empty variables.
func parseConfig(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, e := range envVars {
			if e.name == name {
				return e.def
			}
		}
		panic("undeclared variable " + name)
	}
	bad := func(name, format string, args ...any) error {
		return &configError{name, fmt.Sprintf(format, args...)}
	}
	c := Config{Rules: konullu.DefaultRules()}
	var err error

	c.Addr = get("KONULLU_ADDR")
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return c, bad("KONULLU_ADDR", "%q is not host:port (e.g. localhost:8080 or :8080)", c.Addr)
	}

	if c.PublicURL, err = parsePublicURL(get("KONULLU_PUBLIC_URL")); err != nil {
		return c, bad("KONULLU_PUBLIC_URL", "%v", err)
	}

	c.DatabaseURL = get("KONULLU_DATABASE_URL")
	switch {
	case strings.HasPrefix(c.DatabaseURL, "sqlite:"):
		if strings.TrimPrefix(strings.TrimPrefix(c.DatabaseURL, "sqlite:"), "//") == "" {
			return c, bad("KONULLU_DATABASE_URL", "sqlite: needs a file, e.g. sqlite:konullu.db")
		}
	case strings.HasPrefix(c.DatabaseURL, "postgres://"), strings.HasPrefix(c.DatabaseURL, "postgresql://"):
		if _, err := url.Parse(c.DatabaseURL); err != nil {
			return c, bad("KONULLU_DATABASE_URL", "not a valid URL")
		}
	default:
		return c, bad("KONULLU_DATABASE_URL", "must start with sqlite: or postgres://")
	}

	c.RedisURL = get("KONULLU_REDIS_URL")
	if err := redisconn.Check(c.RedisURL); err != nil {
		return c, bad("KONULLU_REDIS_URL", "must be redis://host:port/db, rediss://…, redis+cluster://host:port,host:port, or empty for the embedded server")
	}

	c.AdminEmail = get("KONULLU_ADMIN_EMAIL")
	c.AdminPassword = getenv("KONULLU_ADMIN_PASSWORD") // spaces may be part of a password
	switch {
	case c.AdminEmail == "" && c.AdminPassword != "":
		return c, bad("KONULLU_ADMIN_EMAIL", "is required when KONULLU_ADMIN_PASSWORD is set")
	case c.AdminEmail != "" && c.AdminPassword == "":
		return c, bad("KONULLU_ADMIN_PASSWORD", "is required when KONULLU_ADMIN_EMAIL is set")
	case c.AdminEmail != "":
		if c.AdminEmail, err = konullu.NormalizeEmail("email", c.AdminEmail); err != nil {
			return c, bad("KONULLU_ADMIN_EMAIL", "%q is not a valid email address", getenv("KONULLU_ADMIN_EMAIL"))
		}
		if err := konullu.ValidatePassword("password", c.AdminPassword); err != nil {
			return c, bad("KONULLU_ADMIN_PASSWORD", "needs at least %d characters (and at most 256 bytes)", konullu.MinPasswordLength)
		}
	}

	c.SMTPURL = get("KONULLU_SMTP_URL")
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			// The URL may hold a password: do not echo it.
			return c, bad("KONULLU_SMTP_URL", "must be smtp://user:pass@host:port or smtps://…")
		}
	}

	bools := []struct {
		name string
		dst  *bool
	}{
		{"KONULLU_JOBS", &c.Jobs},
		{"KONULLU_DEMO", &c.Demo},
		{"KONULLU_REQUIRE_APPROVAL", &c.Rules.RequireApproval},
	}
	for _, b := range bools {
		if *b.dst, err = parseBool(get(b.name)); err != nil {
			return c, bad(b.name, "%q is not on/off (1, 0, true, false, yes, no)", get(b.name))
		}
	}

	if c.Rules.SignupHorizon, err = parseDuration(get("KONULLU_SIGNUP_HORIZON")); err != nil || c.Rules.SignupHorizon <= 0 {
		return c, bad("KONULLU_SIGNUP_HORIZON", "%q is not a positive duration such as 60d or 1440h", get("KONULLU_SIGNUP_HORIZON"))
	}
	if c.Rules.WithdrawCutoff, err = parseDuration(get("KONULLU_WITHDRAW_CUTOFF")); err != nil || c.Rules.WithdrawCutoff < 0 {
		return c, bad("KONULLU_WITHDRAW_CUTOFF", "%q is not a duration such as 3h or 90m", get("KONULLU_WITHDRAW_CUTOFF"))
	}

	if c.Notify, err = parseNotifyConfig(get, bad); err != nil {
		return c, err
	}
	if c.Rules.NoShowGrace, err = parseDuration(get("KONULLU_NO_SHOW_GRACE")); err != nil || c.Rules.NoShowGrace < 0 {
		return c, bad("KONULLU_NO_SHOW_GRACE", "%q is not a duration such as 30m", get("KONULLU_NO_SHOW_GRACE"))
	}

	if err := parseHardening(&c.Hardening, get, bad); err != nil {
		return c, err
	}

	if err := c.LogLevel.UnmarshalText([]byte(get("KONULLU_LOG_LEVEL"))); err != nil {
		return c, bad("KONULLU_LOG_LEVEL", "%q is not debug, info, warn or error", get("KONULLU_LOG_LEVEL"))
	}
	return c, nil
}

// parsePublicURL reads KONULLU_PUBLIC_URL: empty, or an absolute http(s)
// URL, perhaps with a path (https://example.az/konullu), without user
// information, query or fragment, since links are made by appending paths
// to it. Trailing slashes are dropped.
func parsePublicURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	const want = "must be an absolute http:// or https:// URL such as https://konullu.az, without a query or fragment"
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.Hostname() == "" {
		return "", fmt.Errorf("%s", want)
	}
	if u.User != nil {
		// Links are public: no credentials in them (and none echoed here).
		return "", fmt.Errorf("must not hold a user name or password; %s", want)
	}
	if strings.ContainsAny(s, "?#") {
		return "", fmt.Errorf("has a query or fragment; %s", want) // not echoed: it might hold a token
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", fmt.Errorf("%q has spaces; %s", s, want)
	}
	return strings.TrimRight(s, "/"), nil
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean: %q", s)
}

// parseDuration reads Go durations (3h, 90m, 1440h) and whole days (60d).
func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 3650 {
			return 0, fmt.Errorf("not a number of days: %q", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// LogValue describes the configuration for the start-up log line without
// secrets: URLs lose their user information and query values (redact.URL),
// the webhook all but its host, and the admin password is left out.
func (c Config) LogValue() slog.Value {
	redis := c.RedisURL
	if redis == "" {
		redis = "embedded"
	}
	smtp := c.SMTPURL
	if smtp == "" {
		smtp = "none"
	}
	public := c.PublicURL
	if public == "" {
		public = "from each request"
	}
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("public_url", public),
		slog.String("database", redact.URL(c.DatabaseURL)),
		slog.String("redis", redact.URL(redis)),
		slog.String("smtp", redact.URL(smtp)),
		slog.String("admin", maskedEmail(c.AdminEmail)),
		slog.Bool("jobs", c.Jobs),
		slog.String("webhook", redact.Origin(c.Notify.WebhookURL)), // a chat gateway's path may be its token,
		slog.String("timezone", c.Notify.Location.String()),
		slog.Bool("demo", c.Demo),
		slog.Bool("require_approval", c.Rules.RequireApproval),
		slog.String("signup_horizon", c.Rules.SignupHorizon.String()),
		slog.String("withdraw_cutoff", c.Rules.WithdrawCutoff.String()),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("rate_limits", c.RateLimits.String()),
		slog.Any("cors_origins", c.CORSOrigins),
		slog.Bool("dev", c.Dev),
		slog.String("trusted_proxies", c.TrustedProxies.String()),
		slog.String("metrics", c.metricsWhere()),
	)
}

// metricsWhere says where /metrics is served, for the start-up log line (never the token).
func (c Config) metricsWhere() string {
	switch {
	case c.MetricsAddr != "" && c.MetricsToken != "":
		return c.MetricsAddr + " with a bearer token"
	case c.MetricsAddr != "":
		return c.MetricsAddr
	case c.MetricsToken != "":
		return "main address with a bearer token"
	}
	return "off (404)"
}

// printEnv writes the table of environment variables with their defaults.
func printEnv(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, e := range envVars {
		def := e.def
		if def == "" {
			def = "(none)"
		}
		if e.name == "KONULLU_REDIS_URL" {
			def = "(embedded)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", e.name, def, e.help)
	}
	tw.Flush()
}
