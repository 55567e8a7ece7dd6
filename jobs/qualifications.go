package jobs

import (
	"context"
	"time"

	"github.com/konullu/konullu"
)

// expiryBatch bounds the grants one pass of the qualification-expiry job reads.
const expiryBatch = 500

// qualificationExpiry warns volunteers ExpiryWarning (30 days) before a
// qualification of theirs expires, through the outbox in their language.
// It works from the database: every grant expiring within the window that
// was not warned of since it was granted, however late the run; the
// conditional update of each grant makes the warning go once across
// instances and runs (a renewal warns again when its time comes).
func (s *Scheduler) qualificationExpiry() Job {
	return Job{Name: konullu.JobQualificationExpiry, Spec: DefaultSchedules[konullu.JobQualificationExpiry], Timeout: 10 * time.Minute,
		Run: func(ctx context.Context, now time.Time) (int, error) {
			st, ok := s.cfg.Store.(konullu.QualificationStore)
			if !ok {
				return 0, Skip("the store keeps no qualifications")
			}
			warned := 0
			for {
				list, err := st.ExpiringQualifications(ctx, now, konullu.ExpiryWarning, expiryBatch)
				if err != nil {
					return warned, err
				}
				progress := false
				for _, e := range list {
					ok, err := st.MarkExpiryWarned(ctx, e, now)
					if err != nil {
						return warned, err
					}
					if ok {
						warned++
						progress = true
					}
				}
				if len(list) < expiryBatch || !progress {
					break
				}
			}
			if warned > 0 {
				s.log.Info("qualification expiry warnings", "volunteers", warned)
				if s.cfg.Notifier != nil {
					s.cfg.Notifier.Wake()
				}
			}
			return warned, nil
		}}
}
