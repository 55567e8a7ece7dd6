package main

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/konullu/konullu/store/storetest"
)

// testMetricsToken is the KONULLU_METRICS_TOKEN of tests that read /metrics.
const testMetricsToken = "metrics-token-for-tests-0123456789"

// wantMetrics fetches /metrics and checks the status, and that a 200 is Prometheus' text.
func wantMetrics(t *testing.T, url string, status int, header ...string) {
	t.Helper()
	res, body := get(t, url+"/metrics", header...)
	if res.StatusCode != status {
		t.Errorf("GET %s/metrics %q: %s, want %d: %.200s", url, header, res.Status, status, body)
		return
	}
	if isMetrics := strings.Contains(body, "konullu_database_up"); isMetrics != (status == http.StatusOK) {
		t.Errorf("GET %s/metrics %q: %s with metrics %v: %.200s", url, header, res.Status, isMetrics, body)
	}
}

// /metrics tells much about a deployment: it is served only on its own
// address (KONULLU_METRICS_ADDR) or behind a bearer token
// (KONULLU_METRICS_TOKEN), and is 404 on the main address otherwise.
func TestMetricsAreNotPublic(t *testing.T) {
	db := storetest.MigratedURL(t)
	t.Run("Off", func(t *testing.T) {
		srv := start(t, map[string]string{"KONULLU_DATABASE_URL": db, "KONULLU_JOBS": "off"})
		wantMetrics(t, srv.url, http.StatusNotFound)
		wantMetrics(t, srv.url, http.StatusNotFound, "Authorization", "Bearer "+testMetricsToken)
	})
	t.Run("Token", func(t *testing.T) {
		srv := start(t, map[string]string{"KONULLU_DATABASE_URL": db, "KONULLU_JOBS": "off", "KONULLU_METRICS_TOKEN": testMetricsToken})
		wantMetrics(t, srv.url, http.StatusUnauthorized)
		wantMetrics(t, srv.url, http.StatusUnauthorized, "Authorization", "Bearer "+testMetricsToken[:len(testMetricsToken)-1])
		wantMetrics(t, srv.url, http.StatusUnauthorized, "Authorization", "Bearer "+testMetricsToken+"x")
		wantMetrics(t, srv.url, http.StatusUnauthorized, "Authorization", "Basic "+testMetricsToken)
		wantMetrics(t, srv.url, http.StatusOK, "Authorization", "Bearer "+testMetricsToken)
		if res, _ := get(t, srv.url+"/metrics"); res.Header.Get("WWW-Authenticate") == "" {
			t.Error("a 401 without WWW-Authenticate")
		}
	})
	t.Run("Address", func(t *testing.T) {
		metricsAddr := make(chan string, 1)
		srv := start(t, map[string]string{"KONULLU_DATABASE_URL": db, "KONULLU_JOBS": "off", "KONULLU_METRICS_ADDR": "127.0.0.1:0"},
			func(o *runOptions) { o.onMetricsListen = func(a string) { metricsAddr <- a } })
		wantMetrics(t, srv.url, http.StatusNotFound)
		m := "http://" + <-metricsAddr
		wantMetrics(t, m, http.StatusOK)
		// The metrics listener serves nothing else.
		if res, _ := get(t, m+"/graphql?query={__typename}"); res.StatusCode != http.StatusNotFound {
			t.Errorf("the metrics address serves the API: %s", res.Status)
		}
	})
	t.Run("AddressAndToken", func(t *testing.T) {
		metricsAddr := make(chan string, 1)
		srv := start(t, map[string]string{"KONULLU_DATABASE_URL": db, "KONULLU_JOBS": "off", "KONULLU_METRICS_ADDR": "127.0.0.1:0",
			"KONULLU_METRICS_TOKEN": testMetricsToken}, func(o *runOptions) { o.onMetricsListen = func(a string) { metricsAddr <- a } })
		wantMetrics(t, srv.url, http.StatusNotFound, "Authorization", "Bearer "+testMetricsToken)
		m := "http://" + <-metricsAddr
		wantMetrics(t, m, http.StatusUnauthorized)
		wantMetrics(t, m, http.StatusOK, "Authorization", "Bearer "+testMetricsToken)
	})
}

// A token too short to be safe stops the binary at start with a message
// naming the variable (exit status 2).
func TestShortMetricsTokenRefused(t *testing.T) {
	_, err := parseConfig(env(map[string]string{"KONULLU_METRICS_TOKEN": "fifteen-chars15"}))
	var ce *configError
	if !errors.As(err, &ce) || ce.name != "KONULLU_METRICS_TOKEN" || ce.ExitCode() != 2 || !strings.Contains(err.Error(), "at least 16") {
		t.Fatalf("parseConfig: %v", err)
	}
	if strings.Contains(err.Error(), "fifteen-chars15") {
		t.Error("the error shows the token")
	}
	if _, err := parseConfig(env(map[string]string{"KONULLU_METRICS_TOKEN": "sixteen-chars-16"})); err != nil {
		t.Errorf("16 characters: %v", err)
	}
}
