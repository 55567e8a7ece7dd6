package schema

import (
	"context"
	"strings"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// notificationResolver resolves Notification.
type notificationResolver struct {
	scope
	n *konullu.Notification
}

func (n *notificationResolver) ID() graphql.ID      { return globalID(kindNotification, n.n.ID) }
func (n *notificationResolver) Kind() string        { return string(n.n.Kind) }
func (n *notificationResolver) Title() string       { return n.n.Title }
func (n *notificationResolver) Body() string        { return n.n.Body }
func (n *notificationResolver) CreatedAt() dateTime { return dateTime{n.n.CreatedAt} }
func (n *notificationResolver) ReadAt() *dateTime   { return dateTimePtr(n.n.ReadAt) }
func (n *notificationResolver) Read() bool          { return n.n.ReadAt != nil }

// Assignment is the assignment the notification is about, if the viewer may still see it.
func (n *notificationResolver) Assignment(ctx context.Context) (*assignmentResolver, error) {
	if n.n.AssignmentID == 0 {
		return nil, nil
	}
	a, _, err := n.r.assignmentByID(ctx, n.scope, n.n.AssignmentID)
	if err != nil || a == nil {
		return nil, err
	}
	return &assignmentResolver{n.scope, a}, nil
}

// Shift is the shift the notification is about, if the viewer may still see it.
func (n *notificationResolver) Shift(ctx context.Context) (*shiftResolver, error) {
	if n.n.ShiftID == 0 {
		return nil, nil
	}
	return n.r.shiftByID(ctx, n.scope, n.n.ShiftID)
}

// notificationSettingsResolver resolves NotificationSettings.
type notificationSettingsResolver struct{ s konullu.NotificationSettings }

func (s *notificationSettingsResolver) Language() string {
	return strings.ToUpper(string(s.s.Language))
}

func (s *notificationSettingsResolver) Channels() []string {
	out := make([]string, len(s.s.Channels))
	for i, c := range s.s.Channels {
		out[i] = string(c)
	}
	return out
}

// awardResolver resolves Award.
type awardResolver struct{ a konullu.Award }

func (a *awardResolver) ThresholdHours() int32 { return int32(a.a.ThresholdHours) }
func (a *awardResolver) Band() string          { return a.a.Band }
func (a *awardResolver) Minutes() int32        { return int32(a.a.Minutes) }
func (a *awardResolver) AwardedAt() dateTime   { return dateTime{a.a.AwardedAt} }

// MyNotifications resolves Query.myNotifications.
func (r *root) MyNotifications(ctx context.Context, args struct {
	First      *int32
	UnreadOnly *bool
}) ([]*notificationResolver, error) {
	// AUTHZ: a user reads their own notifications only.
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if r.notes == nil {
		return nil, errNoJobs
	}
	limit, err := pageSize(args.First)
	if err != nil {
		return nil, err
	}
	list, err := r.notes.Notifications(ctx, vw.UserID, limit, deref(args.UnreadOnly))
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	out := make([]*notificationResolver, len(list))
	for i, n := range list {
		l.assignments.Prime(n.AssignmentID)
		l.shifts.Prime(n.ShiftID)
		out[i] = &notificationResolver{r.scope(), n}
	}
	return out, nil
}

// UnreadNotificationCount resolves Query.unreadNotificationCount.
func (r *root) UnreadNotificationCount(ctx context.Context) (int32, error) {
	// AUTHZ: a user counts their own notifications only.
	vw, err := signedIn(ctx)
	if err != nil {
		return 0, err
	}
	if r.notes == nil {
		return 0, errNoJobs
	}
	n, err := r.notes.UnreadNotifications(ctx, vw.UserID)
	return int32(n), err
}

// MarkNotificationsRead resolves Mutation.markNotificationsRead.
func (r *root) MarkNotificationsRead(ctx context.Context, args struct{ IDs *[]graphql.ID }) (int32, error) {
	// AUTHZ: the store marks only the viewer's own notifications; others' ids change nothing.
	vw, err := signedIn(ctx)
	if err != nil {
		return 0, err
	}
	if r.notes == nil {
		return 0, errNoJobs
	}
	var ids []int64
	if args.IDs != nil {
		if len(*args.IDs) > maxPageSize*10 {
			return 0, konullu.Invalid("ids", "at most %d ids at once", maxPageSize*10)
		}
		if ids, err = parseIDs("ids", kindNotification, *args.IDs); err != nil {
			return 0, err
		}
	}
	n, err := r.notes.MarkNotificationsRead(ctx, vw.UserID, ids)
	return int32(n), err
}

type notificationSettingsInput struct {
	Language          *string
	Channels          *[]string
	FollowAppLanguage *bool // time.graphql
}

// UpdateMyNotificationSettings resolves Mutation.updateMyNotificationSettings.
func (r *root) UpdateMyNotificationSettings(ctx context.Context, args struct{ Input notificationSettingsInput }) (*notificationSettingsResolver, error) {
	// AUTHZ: any signed-in user changes their own settings only.
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	s, err := r.mergeNotificationSettings(ctx, vw.UserID, args.Input.Language, args.Input.Channels)
	if err != nil {
		return nil, err
	}
	followApp(&s, args.Input.FollowAppLanguage)
	saved, err := r.notes.SetNotificationSettings(ctx, vw.UserID, s)
	if err != nil {
		return nil, err
	}
	return &notificationSettingsResolver{saved}, nil
}

// mergeNotificationSettings applies the given changes to a user's current settings.
func (r *root) mergeNotificationSettings(ctx context.Context, userID int64, lang *string, channels *[]string) (konullu.NotificationSettings, error) {
	if r.notes == nil {
		return konullu.NotificationSettings{}, errNoJobs
	}
	cur, err := r.notes.NotificationSettings(ctx, []int64{userID})
	if err != nil {
		return konullu.NotificationSettings{}, err
	}
	s := cur[userID]
	if lang != nil {
		if s.Language, err = konullu.ParseLanguage("language", *lang); err != nil {
			return s, err
		}
		s.LanguageApart = true // chosen apart from the app's (time.go)
	}
	if channels != nil {
		s.Channels = s.Channels[:0:0]
		for _, c := range *channels {
			s.Channels = append(s.Channels, konullu.Channel(c))
		}
	}
	return s, nil
}

// notificationProfile reads the notification fields of ProfileInput; nil when there are none.
func (r *root) notificationProfile(ctx context.Context, userID int64, lang *string, channels *[]string) (*konullu.NotificationSettings, error) {
	if lang == nil && channels == nil {
		return nil, nil
	}
	s, err := r.mergeNotificationSettings(ctx, userID, lang, channels)
	return &s, err
}

// saveNotificationProfile stores what notificationProfile read.
func (r *root) saveNotificationProfile(ctx context.Context, userID int64, s *konullu.NotificationSettings) error {
	if s == nil {
		return nil
	}
	_, err := r.notes.SetNotificationSettings(ctx, userID, *s)
	return err
}

// notificationByID returns a notification of the viewer's, nil for anyone else's.
func (r *root) notificationByID(ctx context.Context, id int64) (*notificationResolver, error) {
	vw := konullu.ViewerFrom(ctx)
	if !vw.Authenticated() || r.notes == nil {
		return nil, nil
	}
	m, err := r.notes.NotificationsByIDs(ctx, []int64{id})
	// AUTHZ: a notification is seen by its recipient only.
	if err != nil || m[id] == nil || m[id].UserID != vw.UserID {
		return nil, err
	}
	return &notificationResolver{r.scope(), m[id]}, nil
}

// NotificationSettings resolves Volunteer.notificationSettings.
func (v *volunteerResolver) NotificationSettings(ctx context.Context) (*notificationSettingsResolver, error) {
	vw := v.viewer(ctx)
	// AUTHZ: only the volunteer and admins see how the volunteer is reached.
	if vw.VolunteerID != v.v.ID && !vw.IsAdmin() || v.r.notes == nil {
		return nil, nil
	}
	m, err := v.r.notes.NotificationSettings(ctx, []int64{v.v.UserID})
	if err != nil {
		return nil, err
	}
	return &notificationSettingsResolver{m[v.v.UserID]}, nil
}

// Awards resolves Volunteer.awards (one statement per volunteer: it is asked
// of one profile at a time).
func (v *volunteerResolver) Awards(ctx context.Context) ([]*awardResolver, error) {
	if ok, err := v.may(ctx, konullu.AccessProfile); !ok || err != nil {
		return nil, orHidden(err)
	}
	if v.r.jobStore == nil {
		return []*awardResolver{}, nil
	}
	list, err := v.r.jobStore.Awards(ctx, v.v.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*awardResolver, len(list))
	for i, a := range list {
		out[i] = &awardResolver{a}
	}
	return out, nil
}

// NotificationSettings resolves User.notificationSettings (a user is shown
// to themselves and to admins only).
func (u *userResolver) NotificationSettings(ctx context.Context) (*notificationSettingsResolver, error) {
	if u.r.notes == nil {
		return nil, errNoJobs
	}
	m, err := u.r.notes.NotificationSettings(ctx, []int64{u.u.ID})
	if err != nil {
		return nil, err
	}
	return &notificationSettingsResolver{m[u.u.ID]}, nil
}
