package schema

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// Limits of Query.shiftCandidates.
const (
	minCandidateSearch    = 2
	defaultCandidatePage  = 10
	maxCandidatePage      = 50
	candidateSearchLength = maxVolunteerSearch
)

var errNoCandidates = errors.New("schema: the store does not find candidates")

func (r *root) candidateStore() (konullu.CandidateStore, error) {
	cs, ok := r.store.(konullu.CandidateStore)
	if !ok {
		return nil, errNoCandidates
	}
	return cs, nil
}

// ShiftCandidates resolves Query.shiftCandidates.
func (r *root) ShiftCandidates(ctx context.Context, args struct {
	ShiftID graphql.ID
	Search  string
	First   *int32
}) ([]*shiftCandidateResolver, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	s, err := r.shiftForChange(ctx, "shiftId", args.ShiftID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: only the centre's coordinators and admins assign, so only they search.
	if err := requireManager(ctx, s.CentreID); err != nil {
		return nil, err
	}
	search, err := konullu.CleanText("search", args.Search, true, candidateSearchLength)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(search) < minCandidateSearch {
		return nil, konullu.Invalid("search", "type at least %d characters", minCandidateSearch)
	}
	first := defaultCandidatePage
	if args.First != nil {
		first = int(*args.First)
		if first < 1 || first > maxCandidatePage {
			return nil, konullu.Invalid("first", "must be between 1 and %d", maxCandidatePage)
		}
	}
	cs, err := r.candidateStore()
	if err != nil {
		return nil, err
	}
	list, err := cs.ShiftCandidates(ctx, s.ID, konullu.ParseVolunteerSearch(search), first)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	sc := r.scope()
	out := make([]*shiftCandidateResolver, 0, len(list))
	for _, c := range list {
		l.volunteers.Set(c.Volunteer.ID, c.Volunteer)
		l.primeTies(c.Volunteer.ID)
		l.consents.Prime(c.Volunteer.ID)
	}
	for _, c := range list {
		// AUTHZ: a plain Volunteer: contact details only under the contact rule.
		out = append(out, &shiftCandidateResolver{volunteer: &volunteerResolver{sc, c.Volunteer},
			obstacles: obstacleResolvers(sc, c.Volunteer.ID, c.Obstacles)})
	}
	return out, nil
}

type shiftCandidateResolver struct {
	volunteer *volunteerResolver
	obstacles []*obstacleResolver
}

func (c *shiftCandidateResolver) Volunteer() *volunteerResolver  { return c.volunteer }
func (c *shiftCandidateResolver) Obstacles() []*obstacleResolver { return c.obstacles }
func obstacleResolvers(sc scope, volunteerID int64, list []konullu.Obstacle) []*obstacleResolver {
	out := make([]*obstacleResolver, 0, len(list))
	for i := range list {
		out = append(out, &obstacleResolver{scope: sc, o: &list[i], volunteerID: volunteerID})
	}
	return out
}

// MyObstacles resolves Shift.myObstacles: one batched read for a page of shifts.
func (s *shiftResolver) MyObstacles(ctx context.Context) ([]*obstacleResolver, error) {
	vw := s.viewer(ctx)
	if s.as != nil || vw.VolunteerID == 0 {
		return []*obstacleResolver{}, nil
	}
	list, _, err := loadersFrom(ctx).myObstacles.Get(ctx, s.s.ID)
	if err != nil {
		return nil, err
	}
	return obstacleResolvers(s.scope, vw.VolunteerID, list), nil
}

// newMyObstaclesLoader reads what stands between the request's volunteer and shifts.
func newMyObstaclesLoader(st konullu.Store) *loader[[]konullu.Obstacle] {
	return newLoader(func(ctx context.Context, ids []int64) (map[int64][]konullu.Obstacle, error) {
		cs, ok := st.(konullu.CandidateStore)
		vid := konullu.ViewerFrom(ctx).VolunteerID
		if !ok || vid == 0 {
			return everyKey[konullu.Obstacle](ids)(nil, nil)
		}
		return everyKey[konullu.Obstacle](ids)(cs.ObstaclesOf(ctx, vid, ids))
	})
}

// obstacleResolver resolves SignupObstacle.
type obstacleResolver struct {
	scope
	o           *konullu.Obstacle
	volunteerID int64
}

func (o *obstacleResolver) Code() string       { return string(o.o.Code) }
func (o *obstacleResolver) Blocking() bool     { return o.o.Blocking() }
func (o *obstacleResolver) Message() string    { return o.o.Message }
func (o *obstacleResolver) Days() *int32       { return positive(o.o.Days) }
func (o *obstacleResolver) MinimumAge() *int32 { return positive(o.o.MinimumAge) }
func (o *obstacleResolver) AdultAge() *int32   { return positive(o.o.AdultAge) }
func (o *obstacleResolver) Capacity() *int32 {
	if o.o.Code != konullu.ObstacleFull {
		return nil
	}
	n := int32(o.o.Capacity)
	return &n
}
func (o *obstacleResolver) Waiting() *int32 {
	if o.o.Code != konullu.ObstacleFull {
		return nil
	}
	n := int32(o.o.Waiting)
	return &n
}
func (o *obstacleResolver) Age() *int32 {
	if o.o.Age == nil {
		return nil
	}
	n := int32(*o.o.Age)
	return &n
}
func (o *obstacleResolver) Status() *string {
	if o.o.Status == "" {
		return nil
	}
	s := string(o.o.Status)
	return &s
}
func (o *obstacleResolver) Expiring() []string { return nonNilList(o.o.Expiring) }

func (o *obstacleResolver) Qualifications(ctx context.Context) []*qualificationNameResolver {
	out := []*qualificationNameResolver{}
	for _, n := range o.r.qualificationNames(ctx, o.o.Qualifications) {
		out = append(out, &qualificationNameResolver{n})
	}
	return out
}

// Clash is the shift the volunteer holds at the same time, for those who
// may know where the volunteer is then.
func (o *obstacleResolver) Clash(ctx context.Context) (*shiftResolver, error) {
	c := o.o.Clash
	if c == nil || !maySeeClash(o.viewer(ctx), c.VolunteerID, c) {
		return nil, nil
	}
	return o.r.shiftByID(ctx, o.scope, c.ShiftID)
}

// maySeeClash: AUTHZ: where a volunteer is at another time is for the
// volunteer, admins and the coordinators of the clashing shift's centre.
func maySeeClash(vw *konullu.Viewer, volunteerID int64, c *konullu.Clash) bool {
	return vw.IsAdmin() || vw.VolunteerID != 0 && vw.VolunteerID == volunteerID || vw.CanManageCentre(c.CentreID)
}

func positive(n int) *int32 {
	if n <= 0 {
		return nil
	}
	v := int32(n)
	return &v
}

type qualificationNameResolver struct{ m map[string]string }

func (q *qualificationNameResolver) Name() string { return q.m["name"] }
func (q *qualificationNameResolver) Az() *string  { return optional(q.m["az"]) }
func (q *qualificationNameResolver) En() *string  { return optional(q.m["en"]) }
func (q *qualificationNameResolver) Ru() *string  { return optional(q.m["ru"]) }

// qualificationNames names qualifications in each language (each with its
// main name as "name"); a name the catalogue lacks keeps its main name only.
func (r *root) qualificationNames(ctx context.Context, names []string) []map[string]string {
	out := make([]map[string]string, len(names))
	for i, n := range names {
		out[i] = map[string]string{"name": n}
	}
	if len(names) == 0 {
		return out
	}
	qs, err := r.qualStore()
	if err != nil {
		return out
	}
	all, err := qs.Qualifications(ctx)
	if err != nil {
		return out
	}
	for i, n := range names {
		for _, q := range all {
			if strings.EqualFold(q.Name, n) {
				for lang, v := range q.Names {
					out[i][lang] = v
				}
			}
		}
	}
	return out
}

// obstacleExtensions adds a refusal's obstacle to its error's extensions:
// the code and its facts, the clash for those who may see it.
func (r *root) obstacleExtensions(ctx context.Context, e *konullu.Error, ext map[string]any) {
	o := e.Obstacle
	if o == nil {
		return
	}
	for k, v := range konullu.ObstacleExtensions(o) {
		if _, taken := ext[k]; !taken || k == "obstacle" {
			ext[k] = v
		}
	}
	if c := o.Clash; c != nil && maySeeClash(konullu.ViewerFrom(ctx), c.VolunteerID, c) {
		ext["clash"] = map[string]any{
			"shiftId":  string(globalID(kindShift, c.ShiftID)),
			"startsAt": c.StartsAt.UTC().Format(time.RFC3339),
			"endsAt":   c.EndsAt.UTC().Format(time.RFC3339),
			"centre":   c.Centre,
			"position": c.Position,
			"timezone": c.Timezone,
		}
	}
}
