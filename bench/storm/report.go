package main

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"time"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// seconds writes a duration in seconds: "1 s", "0.5 s".
func seconds(d time.Duration) string { return fmt.Sprintf("%g s", d.Seconds()) }

// report prints the figures of the run with their ratios; inter is nil when
// the interactive storm did not run.
func report(o options, floor, storage *measure, res, inter *stormResult, f *fault, loads []string) {
	fmt.Println()
	fmt.Printf("%-62s %9s %12s %9s %9s\n", "", "requests", "per second", "p50 ms", "p99 ms")
	line := func(name string, m *measure) {
		fmt.Printf("%-62s %9d %12.0f %9s %9s\n", name, m.count(), m.rate(), ms(m.pct(0.5)), ms(m.pct(0.99)))
	}
	line("{ __typename } over HTTP (the floor)", floor)
	line("bare signup transaction (the storage limit)", storage)
	line("signUp/withdraw through the API (the storm)", res.api)
	if inter != nil {
		line(fmt.Sprintf("signUp/withdraw, %d clients, think time %s (interactive)", inter.clients, seconds(inter.thinkMean)), inter.api)
	}
	fmt.Println()
	fmt.Printf("storm throughput / bare transaction throughput = %.2f (aim: at least 0.50)\n", res.api.rate()/storage.rate())
	fmt.Printf("storm p50 / floor p50 = %.1f;  storm p99 / floor p99 = %.1f;  storm p99 / bare p99 = %.2f\n",
		ratio(res.api.pct(0.5), floor.pct(0.5)), ratio(res.api.pct(0.99), floor.pct(0.99)), ratio(res.api.pct(0.99), storage.pct(0.99)))
	fmt.Printf("storm p99 = %s ms at %d clients (aim: under 100 ms)\n", ms(res.api.pct(0.99)), o.clients)
	fmt.Printf("storm answers: %s\n", codes(res.api))
	fmt.Printf("bare answers:  %s\n", codes(storage))
	fmt.Printf("signups: %s\n", outcome(res.ledger))
	if inter != nil {
		fmt.Println()
		fmt.Printf("interactive p99 = %s ms at %d clients with %s mean think time (aim: under 100 ms)\n", ms(inter.api.pct(0.99)), inter.clients, seconds(inter.thinkMean))
		// Each client's cycle is a think and a request: clients / (R + Z) of
		// them a second, with Z the mean of the think times drawn (an
		// exponential capped at ten times its mean: mean × (1 − e^−10)). The
		// thinks the clients completed average less: the longest ones are the
		// likeliest to be cut by the end of the phase.
		r, z := inter.cycles.mean(), time.Duration(float64(inter.thinkMean)*(1-math.Exp(-10)))
		expected := 0.0
		if r+z > 0 {
			expected = float64(inter.clients) / (r + z).Seconds()
		}
		fmt.Printf("Little's law: clients / (mean latency + mean think) = %d / (%s ms + %s ms) = %.1f/s vs measured %.1f/s\n",
			inter.clients, ms(r), ms(z), expected, inter.cycles.rate())
		fmt.Printf("interactive: %.1f s, p50 %s ms, p90 %s ms, p99.9 %s ms, max %s ms; %d retries; %d thinks completed, averaging %s ms\n",
			inter.api.wall.Seconds(), ms(inter.api.pct(0.5)), ms(inter.api.pct(0.9)), ms(inter.api.pct(0.999)), ms(inter.api.pct(1)),
			inter.retries, inter.thinks.Load(), ms(inter.meanThink()))
		fmt.Printf("interactive answers: %s\n", codes(inter.api))
		fmt.Printf("interactive signups: %s\n", outcome(inter.ledger))
	}
	fmt.Printf("machine: %d CPUs; load average (1, 5, 15 min) at the start of each phase and at the end: %s\n", runtime.NumCPU(), strings.Join(loads, "; "))
	if f != nil {
		away, recovery := f.outage()
		fmt.Printf("fault %s at %.1f s into the storm", f.kind, res.faultAt.Seconds())
		if away > 0 {
			fmt.Printf(", part away %.1f s, first success %.2f s after it was back", away.Seconds(), recovery.Seconds())
		}
		fmt.Println()
		fmt.Printf("retries: %d (no answer: %d; UNAVAILABLE answers: %d", res.retries, res.transport, res.unavailable.count())
		if res.unavailable.count() > 0 {
			fmt.Printf(", answered in p50 %s ms, p99 %s ms, max %s ms", ms(res.unavailable.pct(0.5)), ms(res.unavailable.pct(0.99)), ms(res.unavailable.pct(1)))
		}
		fmt.Println(")")
		for _, n := range f.notes {
			fmt.Println("  " + n)
		}
	}
	fmt.Println()
}

// outcome counts a ledger's signups by what became of them.
func outcome(ledger []signup) string {
	confirmed, waitlisted, withdrawn := 0, 0, 0
	for _, s := range ledger {
		switch {
		case s.withdrawn:
			withdrawn++
		case s.status == "CONFIRMED":
			confirmed++
		case s.status == "WAITLISTED":
			waitlisted++
		}
	}
	return fmt.Sprintf("%d confirmed, %d waitlisted, %d confirmed then withdrawn (their waitlists moved up)", confirmed, waitlisted, withdrawn)
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func codes(m *measure) string {
	var parts []string
	for c, n := range m.codes {
		parts = append(parts, fmt.Sprintf("%s %d", c, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
