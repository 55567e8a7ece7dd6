package jobs

import (
	"context"
	"time"

	"github.com/konullu/konullu"
)

// hourTally recomputes the hour tallies of the volunteers whose assignments
// changed since the last run (everyone at least once a day) and grants the
// awards they reached. Its items are the volunteers recomputed.
func (s *Scheduler) hourTally() Job {
	return Job{Name: konullu.JobHourTally, Spec: DefaultSchedules[konullu.JobHourTally], Timeout: 30 * time.Minute,
		Run: func(ctx context.Context, now time.Time) (int, error) {
			res, err := s.cfg.Store.TallyHours(ctx, now, konullu.TallyOptions{FullEvery: s.set.TallyFullEvery, Bands: s.set.AwardBands,
				Location: s.set.DigestLocation})
			if err == nil {
				s.log.Info("hours tallied", "full", res.Full, "volunteers", res.Volunteers, "rows", res.Rows, "awards", res.Awards)
			}
			return res.Volunteers, err
		}}
}
