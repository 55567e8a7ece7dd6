package schema

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/konullu/konullu"
)

// maxVolunteerSearch is the longest search of Query.volunteers, in characters.
const maxVolunteerSearch = 100

type volunteersArgs struct {
	Search               *string
	Status               *string
	NeedsGuardianConsent *bool
	First                *int32
	After                *string
}

// Volunteers resolves Query.volunteers: a page of volunteers ordered by name
// and id, with keyset cursors like Query.shifts. Each one is an ordinary
// Volunteer, so what the viewer sees of it follows that type's rules.
func (r *root) Volunteers(ctx context.Context, args volunteersArgs) (*volunteerConnectionResolver, error) {
	// AUTHZ: the list is for coordinators, staff and admins; volunteers look
	// each other up only by id (and see names only).
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if !vw.IsCoordinator() && !vw.IsStaff() {
		return nil, konullu.ErrForbidden
	}
	first := defaultPageSize
	if args.First != nil {
		first = int(*args.First)
		if first < 1 || first > maxPageSize {
			return nil, konullu.Invalid("first", "must be between 1 and %d", maxPageSize)
		}
	}
	f := konullu.VolunteerFilter{
		NeedsGuardianConsent: deref(args.NeedsGuardianConsent),
		Now:                  r.now(),
		Location:             r.loc,
		Limit:                first + 1, // one more tells whether another page follows
	}
	if args.Search != nil {
		s, err := konullu.CleanText("search", *args.Search, false, maxVolunteerSearch)
		if err != nil {
			return nil, err
		}
		f.Search = s
	}
	if args.Status != nil {
		f.Status = konullu.VolunteerStatus(*args.Status)
	}
	if args.After != nil {
		c, err := parseVolunteerCursor(*args.After)
		if err != nil {
			return nil, err
		}
		f.After = c
	}
	list, total, err := r.store.FindVolunteers(ctx, f)
	if err != nil {
		return nil, err
	}
	conn := &volunteerConnectionResolver{total: total}
	if len(list) > first {
		list, conn.hasNext = list[:first], true
	}
	// The page's fields ask, per volunteer, for the profile (already read)
	// and for the centres they serve at (a coordinator's access to contact
	// details): one batched read for the whole page.
	l := loadersFrom(ctx)
	for _, v := range list {
		l.volunteers.Set(v.ID, v)
		l.primeTies(v.ID)
		l.availability.Prime(v.ID)
		l.consents.Prime(v.ID)
	}
	sc := r.scope()
	for _, v := range list {
		// AUTHZ: each node is a plain Volunteer whose fields ask the viewer's
		// access themselves: profile fields for all who may list, contact
		// details only for admins and coordinators of a centre the volunteer serves at.
		conn.edges = append(conn.edges, &volunteerEdgeResolver{
			node:   &volunteerResolver{sc, v},
			cursor: volunteerCursor(v),
		})
	}
	if len(list) > 0 {
		c := volunteerCursor(list[len(list)-1])
		conn.endCursor = &c
	}
	return conn, nil
}

// volunteerConnectionResolver resolves VolunteerConnection.
type volunteerConnectionResolver struct {
	edges     []*volunteerEdgeResolver
	hasNext   bool
	endCursor *string
	total     int
}

func (c *volunteerConnectionResolver) Edges() []*volunteerEdgeResolver {
	if c.edges == nil {
		return []*volunteerEdgeResolver{}
	}
	return c.edges
}
func (c *volunteerConnectionResolver) PageInfo() *pageInfoResolver {
	return &pageInfoResolver{hasNext: c.hasNext, endCursor: c.endCursor}
}
func (c *volunteerConnectionResolver) TotalCount() int32 { return int32(c.total) }

// volunteerEdgeResolver resolves VolunteerEdge.
type volunteerEdgeResolver struct {
	node   *volunteerResolver
	cursor string
}

func (e *volunteerEdgeResolver) Node() *volunteerResolver { return e.node }
func (e *volunteerEdgeResolver) Cursor() string           { return e.cursor }

// A volunteer cursor is base64url of "vol1|<id>|<full name>", the keyset
// position of the volunteer it follows (the name last: it may hold "|").
const volunteerCursorVersion = "vol1"

func volunteerCursor(v *konullu.Volunteer) string {
	raw := volunteerCursorVersion + "|" + strconv.FormatInt(v.ID, 10) + "|" + v.FullName
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func parseVolunteerCursor(c string) (*konullu.VolunteerCursor, error) {
	bad := konullu.Invalid("after", "not a cursor of this list")
	if len(c) > 4096 { // a cursor holds an id and a name
		return nil, bad
	}
	raw, err := decodeCanonical(c)
	if err != nil || !utf8.Valid(raw) {
		return nil, bad
	}
	parts := strings.SplitN(string(raw), "|", 3)
	if len(parts) != 3 || parts[0] != volunteerCursorVersion || parts[2] == "" {
		return nil, bad
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || id <= 0 {
		return nil, bad
	}
	return &konullu.VolunteerCursor{FullName: parts[2], ID: id}, nil
}
