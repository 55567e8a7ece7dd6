package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/availability"
	"github.com/konullu/konullu/redisconn"
	"github.com/konullu/konullu/store"
)

// openIndex starts the availability index over Redis and the database and
// has it build itself in the background when Redis holds none (a fresh or
// embedded Redis): until then availableVolunteers answers from SQL.
func openIndex(db *store.DB, rdb redis.UniversalClient, logger *slog.Logger, now func() time.Time) *availability.Index {
	ix := availability.New(rdb, db, availability.Options{Logger: logger, Now: now})
	ix.Trigger()
	return ix
}

// indexedStore is the store with the availability index kept in step:
// every method that changes what matching depends on (availability,
// profile, skills, status; a shift's assignments or status) reports the
// change to the index once its transaction has committed. Embedding
// *store.DB keeps every other method, and the optional store interfaces
// the schema looks for (notifications, jobs, reports, …).
//
// The index logs and repairs its own failures; a mutation never fails
// because Redis did.
type indexedStore struct {
	*store.DB
	ix konullu.AvailabilityIndex
}

var _ konullu.Store = indexedStore{}

func (s indexedStore) volunteer(ctx context.Context, id int64) {
	s.ix.UpdateVolunteer(context.WithoutCancel(ctx), id)
}

func (s indexedStore) shift(ctx context.Context, id int64) {
	s.ix.UpdateShift(context.WithoutCancel(ctx), id)
}

func (s indexedStore) SetAvailability(ctx context.Context, id int64, av konullu.Availability) (*konullu.Availability, error) {
	out, err := s.DB.SetAvailability(ctx, id, av)
	if err == nil {
		s.volunteer(ctx, id)
	}
	return out, err
}

func (s indexedStore) UpdateProfile(ctx context.Context, id int64, p konullu.ProfileUpdate) (*konullu.Volunteer, error) {
	v, err := s.DB.UpdateProfile(ctx, id, p)
	if err == nil {
		s.volunteer(ctx, id)
	}
	return v, err
}

func (s indexedStore) SetVolunteerSkills(ctx context.Context, id int64, skills []string) (*konullu.Volunteer, error) {
	v, err := s.DB.SetVolunteerSkills(ctx, id, skills)
	if err == nil {
		s.volunteer(ctx, id)
	}
	return v, err
}

func (s indexedStore) SetVolunteerStatus(ctx context.Context, id int64, status konullu.VolunteerStatus) (*konullu.Volunteer, error) {
	v, err := s.DB.SetVolunteerStatus(ctx, id, status)
	if err == nil {
		s.volunteer(ctx, id)
	}
	return v, err
}

func (s indexedStore) SignUp(ctx context.Context, shiftID, volunteerID int64, byCoordinator bool) (*konullu.Assignment, error) {
	a, err := s.DB.SignUp(ctx, shiftID, volunteerID, byCoordinator)
	if err == nil {
		switch a.Status {
		case konullu.AssignmentConfirmed, konullu.AssignmentWaitlisted, konullu.AssignmentCheckedIn:
			s.ix.AddBusy(context.WithoutCancel(ctx), shiftID, volunteerID)
		}
	}
	return a, err
}

// assignment reports a change of an assignment's status: it may free or
// bind the volunteer's time in its shift (and a withdrawal may promote
// someone from the waitlist there).
func (s indexedStore) assignment(ctx context.Context, a *konullu.Assignment, err error) (*konullu.Assignment, error) {
	if err == nil {
		s.shift(ctx, a.ShiftID)
	}
	return a, err
}

func (s indexedStore) Withdraw(ctx context.Context, id int64, byCoordinator bool) (*konullu.Assignment, error) {
	a, err := s.DB.Withdraw(ctx, id, byCoordinator)
	return s.assignment(ctx, a, err)
}

func (s indexedStore) CheckIn(ctx context.Context, id int64) (*konullu.Assignment, error) {
	a, err := s.DB.CheckIn(ctx, id)
	return s.assignment(ctx, a, err)
}

func (s indexedStore) CheckOut(ctx context.Context, id int64) (*konullu.Assignment, error) {
	a, err := s.DB.CheckOut(ctx, id)
	return s.assignment(ctx, a, err)
}

func (s indexedStore) RecordAttendance(ctx context.Context, id int64, in, out time.Time) (*konullu.Assignment, error) {
	a, err := s.DB.RecordAttendance(ctx, id, in, out)
	return s.assignment(ctx, a, err)
}

func (s indexedStore) MarkNoShow(ctx context.Context, id int64, note string) (*konullu.Assignment, error) {
	a, err := s.DB.MarkNoShow(ctx, id, note)
	return s.assignment(ctx, a, err)
}

func (s indexedStore) CancelShift(ctx context.Context, id int64, reason string) (*konullu.Shift, error) {
	sh, err := s.DB.CancelShift(ctx, id, reason)
	if err == nil {
		s.shift(ctx, id)
	}
	return sh, err
}

// TakePlace swaps who holds a place: the offerer's time is freed, the taker's bound.
func (s indexedStore) TakePlace(ctx context.Context, offerID, volunteerID int64) (*konullu.Assignment, error) {
	a, err := s.DB.TakePlace(ctx, offerID, volunteerID)
	return s.assignment(ctx, a, err)
}

// OfferPlace may give the place to the shift's waitlist at once, which
// frees the offerer's time.
func (s indexedStore) OfferPlace(ctx context.Context, assignmentID int64, candidates []int64) (*konullu.PlaceOffer, error) {
	o, err := s.DB.OfferPlace(ctx, assignmentID, candidates)
	if err == nil && o.Status == konullu.OfferTaken {
		s.shift(ctx, o.ShiftID)
	}
	return o, err
}

// ApplyReply may release a place (NO), which frees time and promotes.
func (s indexedStore) ApplyReply(ctx context.Context, r konullu.InboundReply) (string, *konullu.Assignment, error) {
	outcome, a, err := s.DB.ApplyReply(ctx, r)
	_, err = s.assignment(ctx, a, err)
	return outcome, a, err
}

// withRedis makes /readyz ask Redis too.
func withRedis(rdb redis.UniversalClient) serverOption {
	return func(o *serverOptions) {
		o.redis = func(ctx context.Context) error { return rdb.Ping(ctx).Err() }
	}
}

// reindex is `konullu reindex`: it rebuilds the availability index in the
// Redis of KONULLU_REDIS_URL from the database, with a progress bar on a
// terminal, while the servers keep answering (from the old index, then the
// new one). The embedded Redis lives inside a server process, which builds
// its index by itself, so there is nothing to rebuild from outside.
func reindex(ctx context.Context, cfg Config, db *store.DB, stdout io.Writer, logger *slog.Logger, now func() time.Time) error {
	if redisconn.Embedded(cfg.RedisURL) {
		return &usageError{"reindex: KONULLU_REDIS_URL is not set; the embedded Redis belongs to a running server, which builds its own index"}
	}
	rdb, closeRedis, err := redisconn.Open(ctx, cfg.RedisURL)
	if err != nil {
		return err
	}
	defer closeRedis()
	ix := availability.New(rdb, db, availability.Options{Logger: logger, Now: now})
	defer ix.Close()

	var bar *progressbar.ProgressBar
	tty := false
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		tty = true
	}
	started := time.Now()
	progress := func(done, total int) {
		if !tty {
			return
		}
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(stdout),
				progressbar.OptionSetDescription("volunteers"), progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
		}
		bar.Set(done)
	}
	err = ix.Rebuild(ctx, progress)
	if bar != nil {
		bar.Finish()
	}
	if errors.Is(err, availability.ErrRebuildRunning) {
		return fmt.Errorf("reindex: another instance is rebuilding the index right now; try again in a minute")
	}
	if err != nil {
		return err
	}
	st, _ := ix.Status(ctx)
	bytes, keys, _ := ix.MemoryUsage(ctx)
	fmt.Fprintf(stdout, "availability index rebuilt in %s: generation %s, %d keys, %.1f MB\n",
		time.Since(started).Round(time.Millisecond), st.Generation, keys, float64(bytes)/(1<<20))
	return nil
}

// QualificationsChanged reports that a volunteer's qualifications (their
// skills, as the index knows them) changed: grantQualification and
// markCoursePassed call it once their transaction has committed.
func (s indexedStore) QualificationsChanged(ctx context.Context, id int64) { s.volunteer(ctx, id) }
