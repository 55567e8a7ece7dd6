package schema

import (
	"context"
	"sync"

	"github.com/konullu/konullu"
)

// maxBatch caps the keys of one store call so that IN lists stay well within
// the databases' limits on statement parameters.
const maxBatch = 1000

// loader batches and caches reads of one kind of object for one request.
//
// Batching is deterministic rather than timed: whoever resolves a list primes
// the loader with the keys of its siblings (the centres of a page of shifts,
// say), and the first Get of any key loads every primed key that is not
// loaded yet in one store call. Loads are serialised, so resolvers that ask
// while a load runs wait for it and then find their key in the cache; the
// number of statements therefore depends on the shape of the query, never on
// the number of rows or on goroutine timing.
type loader[V any] struct {
	fetch func(ctx context.Context, ids []int64) (map[int64]V, error)

	load sync.Mutex // held for the whole of a load

	// detached loads outlive the context of whoever asked first: the
	// loaders are shared by several subscriptions (subscription.go).
	detached bool

	mu      sync.Mutex // guards the fields below; never held while loading
	entries map[int64]entry[V]
	primed  []int64
	isPrime map[int64]bool
}

type entry[V any] struct {
	v   V
	ok  bool // found
	err error
}

func newLoader[V any](fetch func(ctx context.Context, ids []int64) (map[int64]V, error)) *loader[V] {
	return &loader[V]{fetch: fetch, entries: map[int64]entry[V]{}, isPrime: map[int64]bool{}}
}

// Prime notes keys that are likely to be asked for, so that they are loaded
// with the first one that is.
func (l *loader[V]) Prime(ids ...int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		if _, done := l.entries[id]; done || l.isPrime[id] || id == 0 {
			continue
		}
		l.isPrime[id] = true
		l.primed = append(l.primed, id)
	}
}

// Set caches an object read by other means, such as a page of shifts or the
// result of a mutation.
func (l *loader[V]) Set(id int64, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries[id] = entry[V]{v: v, ok: true}
	delete(l.isPrime, id) // it stays in primed; takePrimed skips it
}

// Get returns the object with the id and whether it exists.
func (l *loader[V]) Get(ctx context.Context, id int64) (V, bool, error) {
	if e, done := l.cached(id); done {
		return e.v, e.ok, e.err
	}
	l.load.Lock()
	defer l.load.Unlock()
	if e, done := l.cached(id); done { // loaded while we waited
		return e.v, e.ok, e.err
	}
	keys := l.takePrimed(id)
	if l.detached {
		ctx = context.WithoutCancel(ctx)
	}
	for start := 0; start < len(keys); start += maxBatch {
		batch := keys[start:min(start+maxBatch, len(keys))]
		found, err := l.fetch(ctx, batch)
		l.mu.Lock()
		for _, k := range batch {
			if _, done := l.entries[k]; done {
				continue // Set while we loaded; that copy is as fresh
			}
			v, ok := found[k]
			l.entries[k] = entry[V]{v: v, ok: ok, err: err}
		}
		l.mu.Unlock()
	}
	e, _ := l.cached(id)
	return e.v, e.ok, e.err
}

// GetMany returns the objects that exist among ids, in the order of ids.
func (l *loader[V]) GetMany(ctx context.Context, ids []int64) ([]V, error) {
	l.Prime(ids...)
	out := make([]V, 0, len(ids))
	for _, id := range ids {
		v, ok, err := l.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, v)
		}
	}
	return out, nil
}

func (l *loader[V]) cached(id int64) (entry[V], bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, done := l.entries[id]
	return e, done
}

// takePrimed returns id and every primed key not loaded yet, and forgets them as primed.
func (l *loader[V]) takePrimed(id int64) []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := []int64{id}
	for _, k := range l.primed {
		if _, done := l.entries[k]; !done && k != id {
			keys = append(keys, k)
		}
	}
	l.primed = nil
	clear(l.isPrime)
	return keys
}

// reset forgets everything: a mutation has changed what earlier reads saw.
func (l *loader[V]) reset() {
	l.load.Lock()
	defer l.load.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.entries)
	clear(l.isPrime)
	l.primed = nil
}

// loaders are the request's loaders, one per kind of object. They live in
// the request's context: a cache shared between requests would show one
// viewer what another changed, and would never be invalidated.
type loaders struct {
	users            *loader[*konullu.User]
	volunteers       *loader[*konullu.Volunteer]
	contactCentres   *loader[[]int64] // centres whose coordinators may contact a volunteer (the contact rule)
	shiftMates       *loader[bool]    // whether the viewer shares a published shift with a volunteer (the name rule)
	centres          *loader[*konullu.Centre]
	positions        *loader[*konullu.Position]
	shifts           *loader[*konullu.Shift]
	assignments      *loader[*konullu.Assignment]
	shiftAssignments *loader[[]*konullu.Assignment] // all assignments of a shift, any status
	availability     *loader[*konullu.Availability]
	consents         *loader[*konullu.GuardianConsent]   // guardians' consents, by volunteer
	consentHistory   *loader[[]*konullu.GuardianConsent] // every consent recorded, by volunteer
	kiosks           *loader[[]*konullu.Kiosk]           // kiosks of a centre (presence.go)
	mentorLinks      *loader[konullu.MentorLink]         // how the viewer stands to a volunteer as mentor or mentee (mentoring.go)
	corrections      *loader[*konullu.HourCorrection]    // the newest hour correction of an assignment (mentoring.go)
	lazyQuals        *lazyQualLoaders                    // qualifications.go, made on first use
	myObstacles      *loader[[]konullu.Obstacle]         // what stands between the viewer and shifts (candidates.go)

	store konullu.Store
}

func newLoaders(st konullu.Store, privacy konullu.PrivacyStore) *loaders {
	l := &loaders{store: st, lazyQuals: &lazyQualLoaders{}}
	l.kiosks = newLoader(func(ctx context.Context, ids []int64) (map[int64][]*konullu.Kiosk, error) {
		ps, ok := st.(konullu.PresenceStore)
		if !ok {
			return everyKey[*konullu.Kiosk](ids)(nil, nil)
		}
		return everyKey[*konullu.Kiosk](ids)(ps.KiosksOfCentres(ctx, ids))
	})
	if privacy != nil {
		l.consents = newLoader(privacy.GuardianConsents)
		l.consentHistory = newLoader(func(ctx context.Context, ids []int64) (map[int64][]*konullu.GuardianConsent, error) {
			return everyKey[*konullu.GuardianConsent](ids)(privacy.GuardianConsentHistory(ctx, ids))
		})
	} else {
		l.consents = newLoader(func(context.Context, []int64) (map[int64]*konullu.GuardianConsent, error) {
			return map[int64]*konullu.GuardianConsent{}, nil
		})
		l.consentHistory = newLoader(func(_ context.Context, ids []int64) (map[int64][]*konullu.GuardianConsent, error) {
			return everyKey[*konullu.GuardianConsent](ids)(nil, nil)
		})
	}
	l.users = newLoader(func(ctx context.Context, ids []int64) (map[int64]*konullu.User, error) {
		m, err := st.UsersByIDs(ctx, ids)
		for _, u := range m {
			l.volunteers.Prime(u.VolunteerID)
			l.centres.Prime(u.CentreIDs...)
		}
		return m, err
	})
	l.volunteers = newLoader(func(ctx context.Context, ids []int64) (map[int64]*konullu.Volunteer, error) {
		m, err := st.VolunteersByIDs(ctx, ids)
		for id := range m {
			l.consents.Prime(id) // asked of a list of minors: one read for all
		}
		return m, err
	})
	l.contactCentres = newLoader(func(ctx context.Context, ids []int64) (map[int64][]int64, error) {
		return everyKey[int64](ids)(st.ContactCentres(ctx, ids))
	})
	l.shiftMates = newShiftMatesLoader(st)
	l.myObstacles = newMyObstaclesLoader(st)
	l.mentorLinks = newMentorLinksLoader(st)
	l.corrections = newCorrectionsLoader(st)
	l.centres = newLoader(st.CentresByIDs)
	l.positions = newLoader(func(ctx context.Context, ids []int64) (map[int64]*konullu.Position, error) {
		m, err := st.PositionsByIDs(ctx, ids)
		// Their required qualifications are asked of every shift card: one
		// read for the positions of a page, not one per position.
		q := l.quals()
		for id := range m {
			q.positionQuals.Prime(id)
		}
		return m, err
	})
	l.shifts = newLoader(func(ctx context.Context, ids []int64) (map[int64]*konullu.Shift, error) {
		m, err := st.ShiftsByIDs(ctx, ids)
		for _, s := range m {
			l.primeShiftRefs(s)
		}
		return m, err
	})
	l.assignments = newLoader(func(ctx context.Context, ids []int64) (map[int64]*konullu.Assignment, error) {
		m, err := st.AssignmentsByIDs(ctx, ids)
		for _, a := range m {
			l.primeAssignmentRefs(a)
		}
		return m, err
	})
	l.shiftAssignments = newLoader(func(ctx context.Context, ids []int64) (map[int64][]*konullu.Assignment, error) {
		m, err := everyKey[*konullu.Assignment](ids)(st.AssignmentsOfShifts(ctx, ids, nil))
		for _, list := range m {
			for _, a := range list {
				l.assignments.Set(a.ID, a)
				l.primeAssignmentRefs(a)
			}
		}
		return m, err
	})
	l.availability = newLoader(st.AvailabilityOf)
	return l
}

// newShiftMatesLoader tells whether the viewer shares a published shift
// with volunteers. The viewer is the request's; the loader lives in the
// request too (or in one subscriber's delivery).
func newShiftMatesLoader(st konullu.Store) *loader[bool] {
	return newLoader(func(ctx context.Context, ids []int64) (map[int64]bool, error) {
		m, err := st.ShiftMates(ctx, konullu.ViewerFrom(ctx).VolunteerID, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			m[id] = m[id] // "shares nothing" is an answer too
		}
		return m, nil
	})
}

// detach makes every loader's reads outlive the context of who asked
// first; call it before the loaders are shared.
func (l *loaders) detach() {
	l.users.detached, l.volunteers.detached, l.contactCentres.detached = true, true, true
	l.shiftMates.detached, l.centres.detached, l.positions.detached = true, true, true
	l.shifts.detached, l.assignments.detached, l.shiftAssignments.detached = true, true, true
	l.availability.detached, l.consents.detached, l.consentHistory.detached = true, true, true
	l.mentorLinks.detached, l.corrections.detached = true, true
}

// everyKey makes every asked key found (with a nil list when the store had
// nothing for it): "no assignments" is an answer, not a missing object.
func everyKey[V any](ids []int64) func(map[int64][]V, error) (map[int64][]V, error) {
	return func(m map[int64][]V, err error) (map[int64][]V, error) {
		if err != nil {
			return nil, err
		}
		if m == nil {
			m = make(map[int64][]V, len(ids))
		}
		for _, id := range ids {
			if _, ok := m[id]; !ok {
				m[id] = nil
			}
		}
		return m, nil
	}
}

// primeShifts caches a list of shifts and primes what their fields refer to.
func (l *loaders) primeShifts(list []*konullu.Shift) {
	for _, s := range list {
		l.shifts.Set(s.ID, s)
		l.primeShiftRefs(s)
	}
}

func (l *loaders) primeShiftRefs(s *konullu.Shift) {
	l.centres.Prime(s.CentreID)
	l.positions.Prime(s.PositionID)
	l.shiftAssignments.Prime(s.ID)
	l.myObstacles.Prime(s.ID)
}

// primeAssignments caches a list of assignments and primes what their fields refer to.
func (l *loaders) primeAssignments(list []*konullu.Assignment) {
	for _, a := range list {
		l.assignments.Set(a.ID, a)
		l.primeAssignmentRefs(a)
	}
}

func (l *loaders) primeAssignmentRefs(a *konullu.Assignment) {
	l.shifts.Prime(a.ShiftID)
	l.volunteers.Prime(a.VolunteerID)
	l.primeTies(a.VolunteerID)
	l.corrections.Prime(a.ID)
}

// primeTies primes what deciding access to the volunteers' profiles reads.
func (l *loaders) primeTies(volunteerIDs ...int64) {
	l.contactCentres.Prime(volunteerIDs...)
	l.shiftMates.Prime(volunteerIDs...)
	l.mentorLinks.Prime(volunteerIDs...)
}

// reset empties every cache after a mutation.
// quals returns the request's loaders of qualifications and courses.
func (l *loaders) quals() *qualLoaders {
	l.lazyQuals.once.Do(func() { l.lazyQuals.l = newQualLoaders(l.store) })
	return l.lazyQuals.l
}

type lazyQualLoaders struct {
	once sync.Once
	l    *qualLoaders
}

func (l *loaders) reset() {
	l.quals().reset()
	l.users.reset()
	l.volunteers.reset()
	l.contactCentres.reset()
	l.shiftMates.reset()
	l.centres.reset()
	l.positions.reset()
	l.shifts.reset()
	l.assignments.reset()
	l.shiftAssignments.reset()
	l.availability.reset()
	l.consents.reset()
	l.consentHistory.reset()
	l.kiosks.reset()
	l.mentorLinks.reset()
	l.corrections.reset()
	l.myObstacles.reset()
}
