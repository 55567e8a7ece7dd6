package schema

import (
	"context"
	"strings"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// Time (issue 12): why a place was cancelled, and work in ended shifts
// credited afterwards (time.graphql).

// CancelledBy resolves Assignment.cancelledBy.
func (a *assignmentResolver) CancelledBy() *string {
	if a.a.Status != konullu.AssignmentCancelled || a.a.CancelledBy == "" {
		return nil
	}
	s := string(a.a.CancelledBy)
	return &s
}

var errNoPastWork = &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "crediting past work is not kept by this server"}

// RecordPastWork resolves Mutation.recordPastWork.
func (r *root) RecordPastWork(ctx context.Context, args struct {
	ShiftID      graphql.ID
	VolunteerID  graphql.ID
	CheckedInAt  dateTime
	CheckedOutAt dateTime
}) (*assignmentResolver, error) {
	// AUTHZ: only the centre's coordinators and admins (managedShiftAndVolunteer).
	s, volunteerID, err := r.managedShiftAndVolunteer(ctx, args.ShiftID, args.VolunteerID)
	if err != nil {
		return nil, err
	}
	if !args.CheckedOutAt.After(args.CheckedInAt.Time) {
		return nil, konullu.Invalid("checkedOutAt", "must be after checkedInAt")
	}
	if args.CheckedOutAt.After(r.now()) {
		return nil, konullu.Invalid("checkedOutAt", "must not be in the future")
	}
	ps, ok := r.store.(konullu.PastWorkStore)
	if !ok {
		return nil, errNoPastWork
	}
	res, err := ps.RecordPastWork(ctx, konullu.PastWork{ShiftID: s.ID, VolunteerID: volunteerID,
		CheckedInAt: args.CheckedInAt.Time, CheckedOutAt: args.CheckedOutAt.Time})
	if err == nil {
		auditCreated(ctx, kindAssignment, res.ID)
	}
	out, err := r.assignmentResult(ctx, res, err)
	r.publishAssignmentEvent(ctx, konullu.CentreCheckedOut, out, err)
	return out, err
}

// FollowsAppLanguage resolves NotificationSettings.followsAppLanguage.
func (s *notificationSettingsResolver) FollowsAppLanguage() bool { return !s.s.LanguageApart }

// AppLanguage resolves NotificationSettings.appLanguage.
func (s *notificationSettingsResolver) AppLanguage() *string {
	if s.s.AppLanguage == "" {
		return nil
	}
	l := strings.ToUpper(string(s.s.AppLanguage))
	return &l
}

// followApp applies NotificationSettingsInput.followAppLanguage: true puts
// the notification language back with the app's (when it is known), false
// keeps the current one apart.
func followApp(s *konullu.NotificationSettings, follow *bool) {
	if follow == nil {
		return
	}
	s.LanguageApart = !*follow
	if *follow && s.AppLanguage != "" {
		s.Language = s.AppLanguage
	}
}

var errNoAppLanguage = &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "the app's language is not kept by this server"}

// SetMyAppLanguage resolves Mutation.setMyAppLanguage.
func (r *root) SetMyAppLanguage(ctx context.Context, args struct{ Language string }) (*notificationSettingsResolver, error) {
	// AUTHZ: any signed-in user saves their own language only.
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	lang, err := konullu.ParseLanguage("language", args.Language)
	if err != nil {
		return nil, err
	}
	st, ok := r.notes.(konullu.AppLanguageStore)
	if !ok {
		return nil, errNoAppLanguage
	}
	s, err := st.SetAppLanguage(ctx, vw.UserID, lang)
	if err != nil {
		return nil, err
	}
	return &notificationSettingsResolver{s}, nil
}
