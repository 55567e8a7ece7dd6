package schema

import (
	"context"
	"slices"
	"strings"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// Limits of profile inputs.
const (
	maxSkills      = 50
	maxSkillLength = 60
	maxLanguages   = 20
	maxName        = 200
	maxCity        = 100
	maxPhone       = 40
)

// volunteerResolver resolves Volunteer. Each field asks how much of the
// profile the viewer may see (konullu.Viewer.VolunteerAccess): the name for
// volunteers who share a published shift; age, skills and hours for
// coordinators and staff; contact and guardian details for the volunteer,
// admins and coordinators of a centre the contact rule names.
type volunteerResolver struct {
	scope
	v *konullu.Volunteer
}

// errHidden is the answer for a non-null field the viewer may not see.
var errHidden = &konullu.Error{Code: konullu.EFORBIDDEN, Message: "you may not see this part of the volunteer's profile"}

// ties are the request's facts about one volunteer, read through the
// request's loaders: one batched read for every volunteer of a page.
type ties struct {
	ctx context.Context
	id  int64
}

func (t ties) ContactCentres() ([]int64, error) {
	centres, _, err := loadersFrom(t.ctx).contactCentres.Get(t.ctx, t.id)
	return centres, err
}

func (t ties) SharesShift() (bool, error) {
	shares, _, err := loadersFrom(t.ctx).shiftMates.Get(t.ctx, t.id)
	return shares, err
}

// may reports whether the viewer may see fields of the given level.
func (v *volunteerResolver) may(ctx context.Context, need konullu.VolunteerAccess) (bool, error) {
	// AUTHZ: the one rule for every place that shows a volunteer.
	ok, err := v.viewer(ctx).MaySeeVolunteer(v.v.ID, need, ties{ctx, v.v.ID})
	if !ok || err != nil {
		// A live answer shared by a rights class: the volunteer, were they
		// a member, would see more of themselves (fanout.go).
		noteHidden(ctx, v.v.ID)
	}
	return ok, err
}

func (v *volunteerResolver) ID() graphql.ID { return globalID(kindVolunteer, v.v.ID) }

func (v *volunteerResolver) FullName(ctx context.Context) (string, error) {
	if ok, err := v.may(ctx, konullu.AccessName); !ok || err != nil {
		return "", orHidden(err)
	}
	return v.v.FullName, nil
}

func (v *volunteerResolver) Email(ctx context.Context) (*string, error) {
	return v.optionalField(ctx, konullu.AccessContact, v.v.Email)
}

func (v *volunteerResolver) Phone(ctx context.Context) (*string, error) {
	return v.optionalField(ctx, konullu.AccessContact, v.v.Phone)
}

func (v *volunteerResolver) City(ctx context.Context) (*string, error) {
	return v.optionalField(ctx, konullu.AccessProfile, v.v.City)
}

func (v *volunteerResolver) BirthDate(ctx context.Context) (*date, error) {
	if ok, err := v.may(ctx, konullu.AccessProfile); !ok || err != nil || v.v.BirthDate.IsZero() {
		return nil, err
	}
	return &date{v.v.BirthDate}, nil
}

// optionalField is the value of a nullable field: null when the viewer may
// not see it, so that a list of volunteers still renders.
func (v *volunteerResolver) optionalField(ctx context.Context, need konullu.VolunteerAccess, s string) (*string, error) {
	if ok, err := v.may(ctx, need); !ok || err != nil {
		return nil, err
	}
	return optional(s), nil
}

func (v *volunteerResolver) Skills(ctx context.Context) ([]string, error) {
	if ok, err := v.may(ctx, konullu.AccessProfile); !ok || err != nil {
		return nil, orHidden(err)
	}
	return nonNilList(v.v.Skills), nil
}

func (v *volunteerResolver) Languages(ctx context.Context) ([]string, error) {
	if ok, err := v.may(ctx, konullu.AccessProfile); !ok || err != nil {
		return nil, orHidden(err)
	}
	return nonNilList(v.v.Languages), nil
}

func (v *volunteerResolver) TotalMinutes(ctx context.Context) (int32, error) {
	if ok, err := v.may(ctx, konullu.AccessProgress); !ok || err != nil {
		return 0, orHidden(err)
	}
	return int32(v.v.TotalMinutes), nil
}

func (v *volunteerResolver) Status(ctx context.Context) (string, error) {
	if ok, err := v.may(ctx, konullu.AccessProfile); !ok || err != nil {
		return "", orHidden(err)
	}
	return string(v.v.Status), nil
}

// Assignments returns the volunteer's assignments the viewer may see.
func (v *volunteerResolver) Assignments(ctx context.Context, args struct{ From, To *dateTime }) ([]*assignmentResolver, error) {
	if ok, err := v.may(ctx, konullu.AccessProgress); !ok || err != nil {
		return nil, orHidden(err)
	}
	mentor, err := isMentorOf(ctx, v.v.ID)
	if err != nil {
		return nil, err
	}
	var from, to dateTime
	if args.From != nil {
		from = *args.From
	}
	if args.To != nil {
		to = *args.To
	}
	if args.From != nil && args.To != nil && !to.After(from.Time) {
		return nil, konullu.Invalid("to", "must be after from")
	}
	list, err := v.r.store.AssignmentsOfVolunteer(ctx, v.v.ID, from.Time, to.Time)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	l.primeAssignments(list)
	vw := v.viewer(ctx)
	out := []*assignmentResolver{}
	for _, a := range list {
		s, ok, err := l.shifts.Get(ctx, a.ShiftID)
		if err != nil {
			return nil, err
		}
		// AUTHZ: a coordinator sees the assignments at their centres only, staff and admins all;
		// a mentor their mentee's in published (and cancelled) shifts.
		if !ok || !vw.CanSeeAssignment(a, s.CentreID) && !(mentor && s.Status != konullu.ShiftDraft) {
			continue
		}
		out = append(out, &assignmentResolver{v.scope, a})
	}
	return out, nil
}

func orHidden(err error) error {
	if err != nil {
		return err
	}
	return errHidden
}

func nonNilList(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// volunteerByID returns a volunteer the viewer may see at least the name
// of, or nil: a volunteer who shares no shift with a volunteer viewer does
// not exist for them.
func (r *root) volunteerByID(ctx context.Context, id int64) (*volunteerResolver, error) {
	// AUTHZ: profiles are for signed-in viewers; what they see of one is decided per field.
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	v, ok, err := loadersFrom(ctx).volunteers.Get(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	res := &volunteerResolver{r.scope(), v}
	if ok, err := res.may(ctx, konullu.AccessName); !ok || err != nil {
		return nil, err
	}
	return res, nil
}

// Volunteer resolves Query.volunteer.
func (r *root) Volunteer(ctx context.Context, args struct{ ID graphql.ID }) (*volunteerResolver, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	id, err := parseID("id", kindVolunteer, args.ID)
	if err != nil {
		return nil, err
	}
	return r.volunteerByID(ctx, id)
}

type profileInput struct {
	FullName  graphql.NullString
	Phone     graphql.NullString
	City      graphql.NullString
	Skills    *[]string
	Languages *[]string
	Timezone  graphql.NullString
	// Notification settings (notification.go).
	Language             *string
	NotificationChannels *[]string
}

// UpdateMyProfile resolves Mutation.updateMyProfile.
func (r *root) UpdateMyProfile(ctx context.Context, args struct{ Input profileInput }) (*volunteerResolver, error) {
	// AUTHZ: a volunteer changes only their own profile.
	volunteerID, err := ownVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	in := args.Input
	var p konullu.ProfileUpdate
	if in.FullName.Set {
		name, err := konullu.CleanText("fullName", deref(in.FullName.Value), true, maxName)
		if err != nil {
			return nil, err
		}
		p.FullName = &name
	}
	if in.Phone.Set {
		phone, err := cleanPhone(deref(in.Phone.Value))
		if err != nil {
			return nil, err
		}
		p.Phone = &phone
	}
	if in.City.Set {
		city, err := konullu.CleanText("city", deref(in.City.Value), false, maxCity)
		if err != nil {
			return nil, err
		}
		p.City = &city
	}
	if in.Languages != nil {
		langs, err := konullu.CleanList("languages", *in.Languages, maxLanguages, maxSkillLength)
		if err != nil {
			return nil, err
		}
		p.Languages = &langs
	}
	if in.Timezone.Set {
		tz := konullu.DefaultTimezone // null goes back to the default
		if in.Timezone.Value != nil {
			if _, err := konullu.ValidateTimezone("timezone", *in.Timezone.Value); err != nil {
				return nil, err
			}
			tz = *in.Timezone.Value
		}
		p.Timezone = &tz
	}
	if in.Skills != nil {
		// Skills gate signups (a position's required skills), so coordinators
		// verify them with setVolunteerSkills. A form that sends the profile
		// back whole may repeat the current list; any change is refused.
		skills, err := konullu.CleanList("skills", *in.Skills, maxSkills, maxSkillLength)
		if err != nil {
			return nil, err
		}
		cur, ok, err := loadersFrom(ctx).volunteers.Get(ctx, volunteerID)
		if err != nil {
			return nil, err
		}
		if !ok || !sameSet(skills, cur.Skills) {
			return nil, konullu.Invalid("skills", "skills are verified by a coordinator; ask them to record yours")
		}
	}
	notes, err := r.notificationProfile(ctx, konullu.ViewerFrom(ctx).UserID, in.Language, in.NotificationChannels)
	if err != nil {
		return nil, err
	}
	v, err := r.store.UpdateProfile(ctx, volunteerID, p)
	if err == nil {
		err = r.saveNotificationProfile(ctx, v.UserID, notes)
	}
	return r.volunteerResult(ctx, v, err)
}

// SetVolunteerSkills resolves Mutation.setVolunteerSkills.
func (r *root) SetVolunteerSkills(ctx context.Context, args struct {
	VolunteerID graphql.ID
	Skills      []string
}) (*volunteerResolver, error) {
	// AUTHZ: any coordinator (volunteers move between centres) or admin verifies skills.
	if err := requireCoordinatorOrAdmin(ctx); err != nil {
		return nil, err
	}
	id, err := parseID("volunteerId", kindVolunteer, args.VolunteerID)
	if err != nil {
		return nil, err
	}
	skills, err := konullu.CleanList("skills", args.Skills, maxSkills, maxSkillLength)
	if err != nil {
		return nil, err
	}
	v, err := r.store.SetVolunteerSkills(ctx, id, skills)
	return r.volunteerResult(ctx, v, err)
}

// ApproveVolunteer resolves Mutation.approveVolunteer.
func (r *root) ApproveVolunteer(ctx context.Context, args struct{ VolunteerID graphql.ID }) (*volunteerResolver, error) {
	// AUTHZ: any coordinator or admin approves new volunteers.
	if err := requireCoordinatorOrAdmin(ctx); err != nil {
		return nil, err
	}
	id, err := parseID("volunteerId", kindVolunteer, args.VolunteerID)
	if err != nil {
		return nil, err
	}
	cur, ok, err := loadersFrom(ctx).volunteers.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "volunteer not found", Field: "volunteerId"}
	}
	switch {
	case cur.Status == konullu.VolunteerActive:
		return &volunteerResolver{r.scope(), cur}, nil
	// AUTHZ: a suspension is lifted by an admin, not by approving again.
	case cur.Status == konullu.VolunteerSuspended && !konullu.ViewerFrom(ctx).IsAdmin():
		return nil, &konullu.Error{Code: konullu.ECONFLICT, Message: "the volunteer is suspended; only an admin can reinstate them"}
	}
	v, err := r.store.SetVolunteerStatus(ctx, id, konullu.VolunteerActive)
	return r.volunteerResult(ctx, v, err)
}

func (r *root) volunteerResult(ctx context.Context, v *konullu.Volunteer, err error) (*volunteerResolver, error) {
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	l.reset()
	l.volunteers.Set(v.ID, v)
	return &volunteerResolver{r.scope(), v}, nil
}

// cleanPhone checks a phone number loosely: digits and the usual separators.
func cleanPhone(s string) (string, error) {
	s, err := konullu.CleanText("phone", s, false, maxPhone)
	if err != nil || s == "" {
		return s, err
	}
	digits := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case strings.ContainsRune("+-() .", c):
		default:
			return "", konullu.Invalid("phone", "a phone number has digits, spaces and + - ( ) only")
		}
	}
	if digits < 5 {
		return "", konullu.Invalid("phone", "a phone number has at least 5 digits")
	}
	return s, nil
}

// sameSet compares lists of tags case-insensitively, ignoring order.
func sameSet(a, b []string) bool {
	norm := func(l []string) []string {
		out := make([]string, len(l))
		for i, s := range l {
			out[i] = strings.ToLower(s)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(norm(a), norm(b))
}
