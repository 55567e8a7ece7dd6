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

// offerGiver is the part of the store that gives offered places to
// waitlists (store.DB is one).
type offerGiver interface {
	GiveOffersToWaitlists(ctx context.Context, now time.Time) (int, error)
}

// placeOffers keeps the rules of place offers that time and other changes
// bring about. An open offer whose shift has someone waiting who could now
// come goes to the first of them (the waitlist comes before an offer; the
// offer and the signup see to it at once, this run to whatever they could
// not, such as a waitlisted volunteer freed from an overlapping shift since).
// An open offer whose withdrawal cut-off has come expires: the place stays
// the offerer's, and they and the centre's coordinators are told. It works
// from the database (every such offer, however late the run), and each
// offer's conditional update makes it change, and tell, once across instances.
func (s *Scheduler) placeOffers() Job {
	return Job{Name: konullu.JobPlaceOffers, Spec: DefaultSchedules[konullu.JobPlaceOffers], Timeout: 5 * time.Minute,
		Run: func(ctx context.Context, now time.Time) (int, error) {
			st, ok := s.cfg.Store.(offerExpirer)
			if !ok {
				return 0, Skip("the store keeps no place offers")
			}
			given := 0
			if g, ok := s.cfg.Store.(offerGiver); ok {
				n, err := g.GiveOffersToWaitlists(ctx, now)
				if err != nil {
					return n, err
				}
				if given = n; n > 0 {
					s.log.Info("offered places given to waitlists", "offers", n)
				}
			}
			n, err := st.ExpirePlaceOffers(ctx, now)
			if n > 0 {
				s.log.Info("place offers expired", "offers", n)
			}
			return given + n, err
		}}
}
