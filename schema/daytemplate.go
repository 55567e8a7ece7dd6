package schema

import (
	"context"
	"slices"
	"strings"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// maxDerivePeriods bounds the shifts read to derive a day template.
const maxDerivePeriods = 2000

// dayBlockResolver resolves DayBlock.
type dayBlockResolver struct{ b konullu.DayBlock }

func (b *dayBlockResolver) Weekday() int32 { return int32(b.b.Weekday) }
func (b *dayBlockResolver) Start() string  { return b.b.Start }
func (b *dayBlockResolver) End() string    { return b.b.End }

// dayTemplates returns the day template of each centre (the set one, else
// the one derived from its shifts) and whether it was set.
func dayTemplates(ctx context.Context, st konullu.Store, centres []*konullu.Centre) (map[int64][]konullu.DayBlock, map[int64]bool, error) {
	out, set := map[int64][]konullu.DayBlock{}, map[int64]bool{}
	dts, ok := st.(konullu.DayTemplateStore)
	if !ok || len(centres) == 0 {
		return out, set, nil
	}
	ids := make([]int64, len(centres))
	for i, c := range centres {
		ids[i] = c.ID
	}
	stored, err := dts.DayTemplates(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range centres {
		if t, ok := stored[c.ID]; ok && len(t) > 0 {
			out[c.ID], set[c.ID] = t, true
			continue
		}
		periods, err := dts.ShiftPeriodsOf(ctx, c.ID, maxDerivePeriods)
		if err != nil {
			return nil, nil, err
		}
		out[c.ID] = konullu.DeriveDayTemplate(periods, c.Location())
	}
	return out, set, nil
}

// DayTemplate resolves Centre.dayTemplate.
func (c *centreResolver) DayTemplate(ctx context.Context) ([]*dayBlockResolver, error) {
	m, _, err := dayTemplates(ctx, loadersFrom(ctx).store, []*konullu.Centre{c.c})
	if err != nil {
		return nil, err
	}
	out := make([]*dayBlockResolver, len(m[c.c.ID]))
	for i, b := range m[c.c.ID] {
		out[i] = &dayBlockResolver{b}
	}
	return out, nil
}

// DayTemplateSet resolves Centre.dayTemplateSet.
func (c *centreResolver) DayTemplateSet(ctx context.Context) (bool, error) {
	dts, ok := loadersFrom(ctx).store.(konullu.DayTemplateStore)
	if !ok {
		return false, nil
	}
	m, err := dts.DayTemplates(ctx, []int64{c.c.ID})
	if err != nil {
		return false, err
	}
	return len(m[c.c.ID]) > 0, nil
}

type dayBlockInput struct {
	Weekday    int32
	Start, End string
}

// SetCentreDayTemplate resolves Mutation.setCentreDayTemplate.
func (r *root) SetCentreDayTemplate(ctx context.Context, args struct {
	CentreID graphql.ID
	Blocks   []dayBlockInput
}) (*centreResolver, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	centreID, err := parseID("centreId", kindCentre, args.CentreID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: the centre's coordinators and admins shape its day.
	if err := requireManager(ctx, centreID); err != nil {
		return nil, err
	}
	dts, ok := r.store.(konullu.DayTemplateStore)
	if !ok {
		return nil, &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "day templates are not available on this server"}
	}
	blocks := make([]konullu.DayBlock, len(args.Blocks))
	for i, b := range args.Blocks {
		blocks[i] = konullu.DayBlock{Weekday: int(b.Weekday), Start: b.Start, End: b.End}
	}
	if err := konullu.ValidateDayTemplate(blocks); err != nil {
		return nil, err
	}
	if err := dts.SetDayTemplate(ctx, centreID, blocks); err != nil {
		if konullu.ErrorCode(err) == konullu.ENOTFOUND {
			return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "centre not found", Field: "centreId"}
		}
		return nil, err
	}
	loadersFrom(ctx).reset()
	return centreOf(ctx, centreID)
}

// availabilityBlockResolver resolves AvailabilityBlock.
type availabilityBlockResolver struct {
	b       konullu.DayBlock
	centres []*konullu.Centre
}

func (b *availabilityBlockResolver) Weekday() int32 { return int32(b.b.Weekday) }
func (b *availabilityBlockResolver) Start() string  { return b.b.Start }
func (b *availabilityBlockResolver) End() string    { return b.b.End }
func (b *availabilityBlockResolver) Centres() []*centreResolver {
	out := make([]*centreResolver, len(b.centres))
	for i, c := range b.centres {
		out[i] = &centreResolver{c}
	}
	return out
}

// AvailabilityBlocks resolves Volunteer.availabilityBlocks: the blocks of
// the centres the volunteer prefers, else of their city's, else of all.
func (v *volunteerResolver) AvailabilityBlocks(ctx context.Context) ([]*availabilityBlockResolver, error) {
	// AUTHZ: as Volunteer.availability.
	if ok, err := v.may(ctx, konullu.AccessProfile); !ok || err != nil {
		return nil, orHidden(err)
	}
	all, err := v.r.store.Centres(ctx)
	if err != nil {
		return nil, err
	}
	var centres []*konullu.Centre
	if rs, ok := v.r.store.(konullu.RosterStore); ok {
		m, err := rs.Commitments(ctx, []int64{v.v.ID})
		if err != nil {
			return nil, err
		}
		if cm := m[v.v.ID]; cm != nil {
			for _, c := range all {
				if slices.Contains(cm.PreferredCentreIDs, c.ID) {
					centres = append(centres, c)
				}
			}
		}
	}
	if len(centres) == 0 && strings.TrimSpace(v.v.City) != "" {
		for _, c := range all {
			if strings.EqualFold(strings.TrimSpace(c.City), strings.TrimSpace(v.v.City)) {
				centres = append(centres, c)
			}
		}
	}
	if len(centres) == 0 {
		centres = all
	}
	templates, _, err := dayTemplates(ctx, v.r.store, centres)
	if err != nil {
		return nil, err
	}
	var out []*availabilityBlockResolver
	for _, c := range centres {
		for _, b := range templates[c.ID] {
			i := slices.IndexFunc(out, func(x *availabilityBlockResolver) bool { return x.b == b })
			if i < 0 {
				out = append(out, &availabilityBlockResolver{b: b})
				i = len(out) - 1
			}
			out[i].centres = append(out[i].centres, c)
		}
	}
	slices.SortFunc(out, func(a, b *availabilityBlockResolver) int {
		if a.b.Weekday != b.b.Weekday {
			return a.b.Weekday - b.b.Weekday
		}
		if c := strings.Compare(a.b.Start, b.b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.b.End, b.b.End)
	})
	if out == nil {
		out = []*availabilityBlockResolver{}
	}
	return out, nil
}

// dayTemplateSnapshots adds the day templates the centres set to their
// audit snapshots, so that setCentreDayTemplate's entry shows the template
// before and after.
func (r *root) dayTemplateSnapshots(ctx context.Context, snap *snapshotSet, centres map[int64]*konullu.Centre) {
	dts, ok := r.store.(konullu.DayTemplateStore)
	if !ok || len(centres) == 0 {
		return
	}
	ids := make([]int64, 0, len(centres))
	for id := range centres {
		ids = append(ids, id)
	}
	m, err := dts.DayTemplates(ctx, ids)
	snap.failed(err)
	for id, c := range centres {
		if t := m[id]; len(t) > 0 {
			snap.put(kindCentre, id, struct {
				*konullu.Centre
				DayTemplate []konullu.DayBlock
			}{c, t})
		}
	}
}
