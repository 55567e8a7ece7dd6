package konullu

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
	AccessNone    VolunteerAccess = iota // not even the name
	AccessName                           // other volunteers: the name only
	AccessProfile                        // staff and coordinators: name, age, skills, hours; no contact details
	AccessContact                        // the volunteer, admins, coordinators of a centre they serve at
)

// VolunteerAccess tells how much of volunteer volunteerID's profile the
// viewer may see; servesAt lists the centres where the volunteer holds or held
// an assignment (only consulted for coordinators).
func (v *Viewer) VolunteerAccess(volunteerID int64, servesAt func() []int64) VolunteerAccess {
	switch {
	case !v.Authenticated():
		return AccessNone
	case v.IsAdmin() || v.VolunteerID == volunteerID:
		return AccessContact
	case v.IsCoordinator():
		for _, c := range servesAt() {
			if v.Coordinates(c) {
				return AccessContact
			}
		}
		return AccessProfile
	case v.IsStaff():
		return AccessProfile
	}
	return AccessName
}
