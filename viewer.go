package konullu

import "time"

// Viewer is who is asking: the signed-in user with roles and coordinated
// centres, or the anonymous viewer (UserID 0). Authorisation decisions are
// methods of Viewer so that every resolver asks the same questions.
type Viewer struct {
	UserID      int64
	VolunteerID int64
	Roles       []Role
	CentreIDs   []int64
}

// Authenticated reports whether the viewer signed in.
func (v *Viewer) Authenticated() bool { return v != nil && v.UserID != 0 }

// Has reports whether the viewer holds the role.
func (v *Viewer) Has(r Role) bool {
	if v == nil {
		return false
	}
	for _, x := range v.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// IsAdmin reports whether the viewer is an administrator.
func (v *Viewer) IsAdmin() bool { return v.Has(RoleAdmin) }

// IsStaff reports whether the viewer reads across all centres (staff or admin).
func (v *Viewer) IsStaff() bool { return v.Has(RoleStaff) || v.Has(RoleAdmin) }

// Coordinates reports whether the viewer coordinates the centre.
func (v *Viewer) Coordinates(centreID int64) bool {
	if v == nil || !v.Has(RoleCoordinator) {
		return false
	}
	for _, id := range v.CentreIDs {
		if id == centreID {
			return true
		}
	}
	return false
}

// IsCoordinator reports whether the viewer coordinates any centre.
func (v *Viewer) IsCoordinator() bool { return v.Has(RoleCoordinator) && len(v.CentreIDs) > 0 }

// CanManageCentre reports whether the viewer may change the centre's shifts and assignments.
func (v *Viewer) CanManageCentre(centreID int64) bool {
	return v.IsAdmin() || v.Coordinates(centreID)
}

// CanSeeShift reports whether the viewer may see a shift with this status at this centre.
// Drafts are for the centre's coordinators, staff and admins; everyone sees
// published and cancelled shifts.
func (v *Viewer) CanSeeShift(s *Shift) bool {
	if s.Status != ShiftDraft {
		return true
	}
	return v.IsStaff() || v.Coordinates(s.CentreID)
}

// CanSeeAssignment reports whether the viewer may see an assignment of a shift at the centre.
// A volunteer sees only their own.
func (v *Viewer) CanSeeAssignment(a *Assignment, centreID int64) bool {
	if !v.Authenticated() {
		return false
	}
	return a.VolunteerID == v.VolunteerID && v.VolunteerID != 0 ||
		v.IsStaff() || v.Coordinates(centreID)
}

// VolunteerAccess is how much of a volunteer's profile a viewer may see.
type VolunteerAccess int

// Levels of access to a volunteer's profile, each including the ones before.
const (
	AccessNone     VolunteerAccess = iota // not even the name
	AccessName                            // volunteers who share a published shift, a mentor's mentee: the name only
	AccessProgress                        // the volunteer's mentor: name, hours and shifts; no contact details
	AccessProfile                         // staff and coordinators: name, age, skills, hours; no contact details
	AccessContact                         // the volunteer, admins, coordinators of a centre the contact rule names
)

// ContactWindow is how long after an attended shift its centre's
// coordinators may still see the volunteer's contact details.
const ContactWindow = 90 * 24 * time.Hour

// VolunteerTies are the facts about one volunteer that decide how much of
// their profile a viewer sees. They are read from the database for each
// request (batched over a page), never kept between requests: a place given
// up or a coordinator removed from a centre counts at once.
type VolunteerTies interface {
	// ContactCentres lists the centres whose coordinators may see the
	// volunteer's contact and guardian details: where the volunteer holds
	// an active place (CONFIRMED, WAITLISTED, CHECKED_IN) in a published
	// shift, or attended (COMPLETED) a published shift that ended within
	// ContactWindow; only places taken before their shift began count.
	// Cancelled places, drafts and no-shows give nothing.
	ContactCentres() ([]int64, error)
	// SharesShift reports whether the viewer, an ACTIVE volunteer, holds a
	// place (any status but CANCELLED) in a published shift in which the
	// volunteer holds one too. PENDING and SUSPENDED viewers share nothing.
	SharesShift() (bool, error)
	// MentorLink says how the viewer, an ACTIVE volunteer, stands to the
	// volunteer: their mentor, their mentee, or neither.
	MentorLink() (MentorLink, error)
}

// MaySeeVolunteer tells whether the viewer may see the parts of volunteer
// volunteerID's profile at level need. It is the one rule for every place
// that shows a volunteer (a lookup by id, lists, assignments, matches,
// reports), and reads through ties only what deciding need requires.
func (v *Viewer) MaySeeVolunteer(volunteerID int64, need VolunteerAccess, ties VolunteerTies) (bool, error) {
	switch {
	case need <= AccessNone:
		return true, nil
	case !v.Authenticated():
		return false, nil
	case v.IsAdmin() || v.VolunteerID == volunteerID && v.VolunteerID != 0:
		return true, nil
	case v.IsCoordinator():
		if need <= AccessProfile {
			return true, nil
		}
		centres, err := ties.ContactCentres()
		if err != nil {
			return false, err
		}
		for _, c := range centres {
			if v.Coordinates(c) {
				return true, nil
			}
		}
		return false, nil
	case v.IsStaff():
		return need <= AccessProfile, nil
	case v.VolunteerID == 0 || need > AccessProgress:
		return false, nil
	}
	// A mentor follows the mentee's hours and shifts; the mentee sees the
	// mentor's name. Neither sees the other's contact details.
	link, err := ties.MentorLink()
	if err != nil {
		return false, err
	}
	switch {
	case link == MentorOf:
		return true, nil
	case need > AccessName:
		return false, nil
	case link == MentoredBy:
		return true, nil
	}
	return ties.SharesShift()
}
