package jobs

import (
	"context"
	"time"

	"github.com/konullu/konullu"
)

// noShows settles the attendance of shifts that are over: CONFIRMED without
// check-in after the end plus the grace period becomes NO_SHOW; CHECKED_IN
// without check-out an hour after the end is completed at the end and
// credited its attended part.
func (s *Scheduler) noShows() Job {
	return Job{Name: konullu.JobNoShows, Spec: DefaultSchedules[konullu.JobNoShows], Timeout: 10 * time.Minute,
		Run: func(ctx context.Context, now time.Time) (int, error) {
			n, c, err := s.cfg.Store.SettleAttendance(ctx, now, s.set.NoShowGrace, s.set.CompleteAfter)
			if n+c > 0 {
				s.log.Info("attendance settled", "no_shows", n, "completed", c)
			}
			return n + c, err
		}}
}
