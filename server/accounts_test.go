package main

import (
	"context"
	"testing"
	"time"

	"github.com/konullu/konullu/ratelimit"
	"github.com/konullu/konullu/schema"
)

// TestLoginPairLimit: the server counts failed sign-ins per account and
// address apart from each other, and a reset clears only its own pair.
func TestLoginPairLimit(t *testing.T) {
	h := &hardening{limiter: ratelimit.New(nil, ratelimit.Options{}),
		rules: ratelimit.Rules{LoginAccountAddress: ratelimit.Limit{Rate: 1, Period: time.Hour, Burst: 1}}}
	ctx := context.Background()
	attacker := schema.LoginPairKey("leyla@example.az", "203.0.113.5:4000")
	samePlace := schema.LoginPairKey("leyla@example.az", "203.0.113.5:4999") // another port, the same address
	owner := schema.LoginPairKey("leyla@example.az", "198.51.100.7:5000")
	if ok, _ := h.Allow(ctx, schema.RuleLoginAccountAddress, attacker, 1); !ok {
		t.Fatal("first try refused")
	}
	if ok, _ := h.Allow(ctx, schema.RuleLoginAccountAddress, samePlace, 1); ok {
		t.Fatal("a second try from the same address was allowed")
	}
	if ok, _ := h.Allow(ctx, schema.RuleLoginAccountAddress, owner, 1); !ok {
		t.Fatal("the owner's address was refused for the attacker's tries")
	}
	h.Reset(ctx, schema.RuleLoginAccountAddress, attacker)
	if ok, _ := h.Allow(ctx, schema.RuleLoginAccountAddress, attacker, 1); !ok {
		t.Fatal("a reset did not clear the pair")
	}
	if ok, _ := h.Allow(ctx, schema.RuleLoginAccountAddress, owner, 1); ok {
		t.Fatal("a reset of one pair cleared another")
	}
}
