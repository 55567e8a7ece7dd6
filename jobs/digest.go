package jobs

import (
	"context"
	"time"

	"github.com/konullu/konullu"
)

// digest sends the Monday digests: coordinators get the understaffed shifts
// of the coming week, staff last week's participation. It runs every
// quarter hour in UTC and acts on Mondays from DigestHour local time; the
// digests table's (week, recipient, kind) key makes one digest a week, so a
// DST change can neither skip nor double it, and an instance that was down
// at 08:00 sends it when it comes back that Monday.
func (s *Scheduler) digest() Job {
	return Job{Name: konullu.JobDigest, Spec: DefaultSchedules[konullu.JobDigest], Timeout: 10 * time.Minute,
		Run: func(ctx context.Context, now time.Time) (int, error) {
			w, due := konullu.DigestDue(now, s.set.DigestLocation, s.set.DigestHour)
			if !due {
				return 0, nil
			}
			return s.cfg.Store.EnqueueDigests(ctx, w)
		}}
}
