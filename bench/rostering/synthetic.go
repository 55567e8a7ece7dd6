package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/konullu/konullu/roster"
)

func runSynthetic(ctx context.Context, stdout io.Writer, seed int64) error {
	p := roster.SyntheticWeek(seed, 150, 2000)
	start := time.Now()
	bound, err := roster.Bound(p)
	if err != nil {
		return err
	}
	flowTime := time.Since(start)
	start = time.Now()
	plan, err := roster.Solve(ctx, p, roster.Options{Seed: seed, Iterations: 200_000})
	if err != nil {
		return err
	}
	places := 0
	for _, s := range p.Slots {
		places += s.Capacity
	}
	fmt.Fprintf(stdout, "synthetic week: %d shifts, %d places, %d volunteers\n", len(p.Slots), places, len(p.People))
	fmt.Fprintf(stdout, "maximum flow alone: %s, bound=%d\n", flowTime.Round(time.Millisecond), bound)
	fmt.Fprintf(stdout, "plan: %s, filled=%d bound=%d open=%d feasible=%t iterations=%d\n",
		time.Since(start).Round(time.Millisecond), plan.Filled, plan.Bound, plan.Open, plan.Feasible, plan.Iterations)
	fmt.Fprintf(stdout, "load before: %d..%d min, after: %d..%d min\n",
		plan.Before.MinMinutes, plan.Before.MaxMinutes, plan.After.MinMinutes, plan.After.MaxMinutes)
	return nil
}
