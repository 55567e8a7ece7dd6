package jobs

import (
	"context"
	"time"

	"github.com/konullu/konullu"
)

// offerExpirer is the part of the store that expires place offers.
type offerExpirer interface {
	ExpirePlaceOffers(ctx context.Context, now time.Time) (int, error)
}

// placeOffers expires the open place offers whose withdrawal cut-off has
// come: the place stays the offerer's, and they and the centre's
// coordinators are told. It works from the database (every open offer past
// its cut-off, however late the run), and each offer's conditional update
// makes it expire, and tell, once across instances.
func (s *Scheduler) placeOffers() Job {
	return Job{Name: konullu.JobPlaceOffers, Spec: DefaultSchedules[konullu.JobPlaceOffers], Timeout: 5 * time.Minute,
		Run: func(ctx context.Context, now time.Time) (int, error) {
			st, ok := s.cfg.Store.(offerExpirer)
			if !ok {
				return 0, Skip("the store keeps no place offers")
			}
			n, err := st.ExpirePlaceOffers(ctx, now)
			if n > 0 {
				s.log.Info("place offers expired", "offers", n)
			}
			return n, err
		}}
}
