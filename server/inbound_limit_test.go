package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/konullu/konullu/store/storetest"
)

// TestInboundLimit: POST /webhooks/inbound is limited per client address
// (inbound-ip of KONULLU_RATE_LIMITS) before anything is read: beyond the
// limit the answer is 429 with Retry-After and {"error", "code":
// "RATE_LIMITED", "retryAfter"}; another address is unaffected and still
// gets the signature's verdict (401 BAD_SIGNATURE).
func TestInboundLimit(t *testing.T) {
	redisURL, keys := limitRedisURL(t)
	srv := start(t, map[string]string{
		"KONULLU_DATABASE_URL":    storetest.MigratedURL(t),
		"KONULLU_REDIS_URL":       redisURL,
		"KONULLU_JOBS":            "off",
		"KONULLU_WEBHOOK_URL":     "http://127.0.0.1:9/gateway",
		"KONULLU_WEBHOOK_SECRET":  "a gateway secret of enough length",
		"KONULLU_RATE_LIMITS":     "inbound-ip=3/1h",
		"KONULLU_TRUSTED_PROXIES": "127.0.0.1",
	})
	send := func(xff string) (*http.Response, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.url+"/webhooks/inbound", strings.NewReader(`{"id":"x","assignmentId":1,"reply":"YES"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Konullu-Timestamp", "1700000000")
		req.Header.Set("X-Konullu-Signature", "sha256=00")
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var out map[string]any
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s: not JSON: %s", res.Status, raw)
		}
		return res, out
	}
	for i := range 3 {
		if res, out := send("203.0.113.7"); res.StatusCode != http.StatusUnauthorized || out["code"] != "BAD_SIGNATURE" {
			t.Fatalf("request %d: %s %v", i, res.Status, out)
		}
	}
	res, out := send("203.0.113.7")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || out["code"] != "RATE_LIMITED" ||
		out["retryAfter"] == nil || !strings.Contains(out["error"].(string), "too many requests") {
		t.Fatalf("the 4th request: %s %v %v", res.Status, res.Header, out)
	}
	if res, out := send("198.51.100.9"); res.StatusCode != http.StatusUnauthorized || out["code"] != "BAD_SIGNATURE" {
		t.Fatalf("another address: %s %v", res.Status, out)
	}
	if keys != nil && keys("*konullu:inbound-ip:203.0.113.7") != 1 {
		t.Error("the inbound-ip limit is not kept in Redis")
	}
}
