package jobs

import (
	"context"
	"time"

	"github.com/konullu/konullu"
)

// reindex compares the availability index (Redis, derived state) with the
// database and repairs drift; its items are the entries repaired.
func (s *Scheduler) reindex() Job {
	return Job{Name: konullu.JobReindex, Spec: DefaultSchedules[konullu.JobReindex], Timeout: 30 * time.Minute,
		Run: func(ctx context.Context, now time.Time) (int, error) {
			if s.cfg.Reindexer == nil {
				return 0, Skip("no availability index configured")
			}
			return s.cfg.Reindexer.CheckAndRepair(ctx)
		}}
}
