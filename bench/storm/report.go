package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// report prints the figures of the run with their ratios.
func report(o options, floor, storage *measure, res *stormResult, f *fault) {
	fmt.Println()
	fmt.Printf("%-44s %9s %12s %9s %9s\n", "", "requests", "per second", "p50 ms", "p99 ms")
	line := func(name string, m *measure) {
		fmt.Printf("%-44s %9d %12.0f %9s %9s\n", name, m.count(), m.rate(), ms(m.pct(0.5)), ms(m.pct(0.99)))
	}
	line("{ __typename } over HTTP (the floor)", floor)
	line("bare signup transaction (the storage limit)", storage)
	line("signUp/withdraw through the API (the storm)", res.api)
	fmt.Println()
	fmt.Printf("storm throughput / bare transaction throughput = %.2f (aim: at least 0.50)\n", res.api.rate()/storage.rate())
	fmt.Printf("storm p50 / floor p50 = %.1f;  storm p99 / floor p99 = %.1f;  storm p99 / bare p99 = %.2f\n",
		ratio(res.api.pct(0.5), floor.pct(0.5)), ratio(res.api.pct(0.99), floor.pct(0.99)), ratio(res.api.pct(0.99), storage.pct(0.99)))
	fmt.Printf("storm p99 = %s ms at %d clients (aim: under 100 ms)\n", ms(res.api.pct(0.99)), o.clients)
	fmt.Printf("storm answers: %s\n", codes(res.api))
	fmt.Printf("bare answers:  %s\n", codes(storage))
	confirmed, waitlisted, withdrawn := 0, 0, 0
	for _, s := range res.ledger {
		switch {
		case s.withdrawn:
			withdrawn++
		case s.status == "CONFIRMED":
			confirmed++
		case s.status == "WAITLISTED":
			waitlisted++
		}
	}
	fmt.Printf("signups: %d confirmed, %d waitlisted, %d confirmed then withdrawn (their waitlists moved up)\n", confirmed, waitlisted, withdrawn)
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
