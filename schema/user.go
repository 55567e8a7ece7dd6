package schema

import (
	"context"
	"fmt"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// userResolver resolves User. A user is shown to themselves and to admins
// only (it carries the sign-in email).
type userResolver struct {
	scope
	u *konullu.User
}

func (u *userResolver) ID() graphql.ID      { return globalID(kindUser, u.u.ID) }
func (u *userResolver) Email() string       { return u.u.Email }
func (u *userResolver) CreatedAt() dateTime { return dateTime{u.u.CreatedAt} }

func (u *userResolver) Roles() []string {
	out := make([]string, len(u.u.Roles))
	for i, r := range u.u.Roles {
		out[i] = string(r)
	}
	return out
}

// Volunteer returns the user's volunteer profile, null when there is none.
func (u *userResolver) Volunteer(ctx context.Context) (*volunteerResolver, error) {
	if u.u.VolunteerID == 0 {
		return nil, nil
	}
	v, ok, err := loadersFrom(ctx).volunteers.Get(ctx, u.u.VolunteerID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("user %d: volunteer %d is missing", u.u.ID, u.u.VolunteerID)
	}
	return &volunteerResolver{u.scope, v}, nil
}

// CoordinatedCentres returns the centres the user coordinates.
func (u *userResolver) CoordinatedCentres(ctx context.Context) ([]*centreResolver, error) {
	list, err := loadersFrom(ctx).centres.GetMany(ctx, u.u.CentreIDs)
	if err != nil {
		return nil, err
	}
	out := make([]*centreResolver, len(list))
	for i, c := range list {
		out[i] = &centreResolver{c}
	}
	return out, nil
}

// viewerOf is the viewer a user is once signed in.
func viewerOf(u *konullu.User) *konullu.Viewer {
	return &konullu.Viewer{UserID: u.ID, VolunteerID: u.VolunteerID, Roles: u.Roles, CentreIDs: u.CentreIDs}
}

// userByID returns a user the viewer may see, or nil.
func (r *root) userByID(ctx context.Context, id int64) (*userResolver, error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, nil
	}
	// AUTHZ: a user is seen by themselves and by admins.
	if vw.UserID != id && !vw.IsAdmin() {
		return nil, nil
	}
	u, ok, err := loadersFrom(ctx).users.Get(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	return &userResolver{r.scope(), u}, nil
}

// Me resolves Query.me: null for an anonymous request.
func (r *root) Me(ctx context.Context) (*userResolver, error) {
	vw := konullu.ViewerFrom(ctx)
	if !vw.Authenticated() {
		return nil, nil
	}
	return r.userByID(ctx, vw.UserID)
}

// GrantRole resolves Mutation.grantRole.
func (r *root) GrantRole(ctx context.Context, args struct {
	UserID    graphql.ID
	Role      string
	CentreIDs *[]graphql.ID
}) (*userResolver, error) {
	// AUTHZ: only admins grant roles.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	userID, err := parseID("userId", kindUser, args.UserID)
	if err != nil {
		return nil, err
	}
	role := konullu.Role(args.Role)
	centreIDs, err := parseIDs("centreIds", kindCentre, deref(args.CentreIDs))
	if err != nil {
		return nil, err
	}
	if role != konullu.RoleCoordinator && len(centreIDs) > 0 {
		return nil, konullu.Invalid("centreIds", "only the COORDINATOR role is scoped to centres")
	}
	u, err := r.store.GrantRole(ctx, userID, role, centreIDs)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	l.reset()
	l.users.Set(u.ID, u)
	return &userResolver{r.scope(), u}, nil
}
