package redact_test

import (
	"strings"
	"testing"

	"github.com/konullu/konullu/redact"
)

const feedSecret = "k7q2m4n6p8r0t2v4x6z8b2d4f6h8j0l2n4p6r8t0v2x4z6b8d0f2"

func TestPath(t *testing.T) {
	for in, want := range map[string]string{
		"/calendar/" + feedSecret + ".ics": "/calendar/xxxxx.ics",
		"/calendar/" + feedSecret:          "/calendar/xxxxx",
		"/verify/ABCDE-12345":              "/verify/xxxxx",
		"/certificates/ABCDE-12345.pdf":    "/certificates/xxxxx.pdf",
		"/certificates/ABCDE-12345.pdf/x":  "/certificates/xxxxx.pdf/x",
		"/reset/" + feedSecret:             "/reset/xxxxx",
		"/graphql":                         "/graphql",
		"/reports/participation.csv":       "/reports/participation.csv",
		"/volunteers/Vm9sdW50ZWVyOjEyMzQ1": "/volunteers/Vm9sdW50ZWVyOjEyMzQ1",
		"/calendar/":                       "/calendar/",
		"/assets/index-Bq3xZ9aL.js":        "/assets/index-Bq3xZ9aL.js",
	} {
		if got := redact.Path(in); got != want {
			t.Errorf("Path(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://gw.example.az/send?token=s3cr3t-t0ken&channel=sms":           "https://gw.example.az/send?channel=xxxxx&token=xxxxx",
		"smtp://mailer:p4ssw0rd@mail.example.az:587?from=a@b.az&tls=starttls": "smtp://mailer:xxxxx@mail.example.az:587?from=a%40b.az&tls=starttls",
		"postgres://konullu:p4ssw0rd@db:5432/konullu?sslmode=disable":         "postgres://konullu:xxxxx@db:5432/konullu?sslmode=disable",
		"postgres://db:5432/konullu?password=p4ssw0rd":                        "postgres://db:5432/konullu?password=xxxxx",
		"redis://:p4ssw0rd@cache:6379/0":                                      "redis://:xxxxx@cache:6379/0",
		"https://t0ken@hooks.example.az/x#frag":                               "https://xxxxx@hooks.example.az/x",
		"sqlite:konullu.db":                                                   "sqlite:konullu.db",
		"smtp:user:pw@host":                                                   "smtp:xxxxx",
		"":                                                                    "",
	} {
		if got := redact.URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://hooks.slack.example/services/T000/B000/s3cr3tt0ken": "https://hooks.slack.example/xxxxx",
		"https://gw.example.az/send?token=s3cr3t":                    "https://gw.example.az/xxxxx",
		"https://user:pw@gw.example.az":                              "https://xxxxx@gw.example.az",
		"https://gw.example.az/":                                     "https://gw.example.az",
	} {
		if got := redact.Origin(in); got != want {
			t.Errorf("Origin(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestText(t *testing.T) {
	in := `webhook: Post "https://gw.example.az/send?token=s3cr3t": dial tcp: refused; GET /calendar/` + feedSecret + `.ics failed; db postgres://u:p4ss@h/db`
	got := redact.Text(in)
	for _, secret := range []string{"s3cr3t", feedSecret, "p4ss"} {
		if strings.Contains(got, secret) {
			t.Errorf("Text left %q in %q", secret, got)
		}
	}
	if !strings.Contains(got, "dial tcp: refused") || !strings.Contains(got, "/calendar/xxxxx.ics") {
		t.Errorf("Text lost the message: %q", got)
	}
}
