package schema

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// Page sizes and the widest window of Query.shifts.
const (
	defaultPageSize = 20
	maxPageSize     = 100
	maxShiftWindow  = 366 * 24 * time.Hour
)

type shiftsArgs struct {
	CentreID *graphql.ID
	From     dateTime
	To       dateTime
	Status   *string
	OpenOnly *bool
	First    *int32
	After    *string
}

// Shifts resolves Query.shifts: a page of the shifts the viewer may see,
// ordered by start time and id, with keyset cursors so that pages neither
// skip nor repeat shifts when others are created meanwhile.
func (r *root) Shifts(ctx context.Context, args shiftsArgs) (*shiftConnectionResolver, error) {
	first := defaultPageSize
	if args.First != nil {
		first = int(*args.First)
		if first < 0 || first > maxPageSize {
			return nil, konullu.Invalid("first", "must be between 0 and %d", maxPageSize)
		}
	}
	if !args.To.After(args.From.Time) {
		return nil, konullu.Invalid("to", "must be after from")
	}
	if args.To.Sub(args.From.Time) > maxShiftWindow {
		return nil, konullu.Invalid("to", "the window from..to may span at most a year")
	}
	vw := konullu.ViewerFrom(ctx)
	f := konullu.ShiftFilter{
		From:     args.From.Time,
		To:       args.To.Time,
		OpenOnly: deref(args.OpenOnly),
		Now:      r.now(),
		Limit:    first + 1, // one more tells whether another page follows
		// AUTHZ: drafts only of the centres the viewer coordinates, or all for staff and admins.
		Drafts: konullu.DraftAccess{All: vw.IsStaff()},
	}
	if vw.Has(konullu.RoleCoordinator) {
		f.Drafts.CentreIDs = vw.CentreIDs
	}
	if args.CentreID != nil {
		id, err := parseID("centreId", kindCentre, *args.CentreID)
		if err != nil {
			return nil, err
		}
		f.CentreID = id
	}
	if args.Status != nil {
		f.Status = konullu.ShiftStatus(*args.Status)
	}
	if args.After != nil {
		c, err := parseCursor(*args.After)
		if err != nil {
			return nil, err
		}
		f.After = c
	}
	list, total, err := r.store.FindShifts(ctx, f)
	if err != nil {
		return nil, err
	}
	conn := &shiftConnectionResolver{total: total}
	if len(list) > first {
		list, conn.hasNext = list[:first], true
	}
	visible := make([]*konullu.Shift, 0, len(list))
	for _, s := range list {
		// AUTHZ: the filter above already keeps drafts out; check again where the data is read.
		if vw.CanSeeShift(s) {
			visible = append(visible, s)
		}
	}
	for _, s := range r.shiftResolvers(ctx, visible) {
		conn.edges = append(conn.edges, &shiftEdgeResolver{node: s, cursor: shiftCursor(s.s)})
	}
	if len(list) > 0 {
		c := shiftCursor(list[len(list)-1])
		conn.endCursor = &c
	}
	return conn, nil
}

// shiftConnectionResolver resolves ShiftConnection.
type shiftConnectionResolver struct {
	edges     []*shiftEdgeResolver
	hasNext   bool
	endCursor *string
	total     int
}

func (c *shiftConnectionResolver) Edges() []*shiftEdgeResolver {
	if c.edges == nil {
		return []*shiftEdgeResolver{}
	}
	return c.edges
}
func (c *shiftConnectionResolver) PageInfo() *pageInfoResolver {
	return &pageInfoResolver{hasNext: c.hasNext, endCursor: c.endCursor}
}
func (c *shiftConnectionResolver) TotalCount() int32 { return int32(c.total) }

// shiftEdgeResolver resolves ShiftEdge.
type shiftEdgeResolver struct {
	node   *shiftResolver
	cursor string
}

func (e *shiftEdgeResolver) Node() *shiftResolver { return e.node }
func (e *shiftEdgeResolver) Cursor() string       { return e.cursor }

// pageInfoResolver resolves PageInfo.
type pageInfoResolver struct {
	hasNext   bool
	endCursor *string
}

func (p *pageInfoResolver) HasNextPage() bool  { return p.hasNext }
func (p *pageInfoResolver) EndCursor() *string { return p.endCursor }

// A cursor is opaque to clients: base64url of "v1|<startsAt>|<id>", the
// keyset position of the shift it follows.
const cursorVersion = "v1"

func shiftCursor(s *konullu.Shift) string {
	raw := cursorVersion + "|" + s.StartsAt.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(s.ID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func parseCursor(c string) (*konullu.ShiftCursor, error) {
	bad := konullu.Invalid("after", "not a cursor of this list")
	raw, err := decodeCanonical(c)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 || parts[0] != cursorVersion {
		return nil, bad
	}
	t, err := time.Parse(time.RFC3339Nano, parts[1])
	if err != nil {
		return nil, bad
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || id <= 0 {
		return nil, bad
	}
	return &konullu.ShiftCursor{StartsAt: t.UTC(), ID: id}, nil
}
