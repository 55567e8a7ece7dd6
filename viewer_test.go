package konullu_test

import (
	"testing"

	"github.com/konullu/konullu"
)

// fakeTies answers the facts of the rules and counts what was asked.
type fakeTies struct {
	centres      []int64
	shares       bool
	link         konullu.MentorLink
	askedCentres int
	askedSharing int
}

func (f *fakeTies) ContactCentres() ([]int64, error)        { f.askedCentres++; return f.centres, nil }
func (f *fakeTies) SharesShift() (bool, error)              { f.askedSharing++; return f.shares, nil }
func (f *fakeTies) MentorLink() (konullu.MentorLink, error) { return f.link, nil }

func TestMaySeeVolunteer(t *testing.T) {
	const vol = 7
	coordA := &konullu.Viewer{UserID: 2, VolunteerID: 2, Roles: []konullu.Role{konullu.RoleCoordinator, konullu.RoleVolunteer}, CentreIDs: []int64{1}}
	unplaced := &konullu.Viewer{UserID: 3, VolunteerID: 3, Roles: []konullu.Role{konullu.RoleCoordinator}} // role without centres
	staff := &konullu.Viewer{UserID: 4, VolunteerID: 4, Roles: []konullu.Role{konullu.RoleStaff}}
	admin := &konullu.Viewer{UserID: 5, Roles: []konullu.Role{konullu.RoleAdmin}}
	peer := &konullu.Viewer{UserID: 6, VolunteerID: 6, Roles: []konullu.Role{konullu.RoleVolunteer}}
	self := &konullu.Viewer{UserID: 8, VolunteerID: vol, Roles: []konullu.Role{konullu.RoleVolunteer}}
	levels := []konullu.VolunteerAccess{konullu.AccessName, konullu.AccessProgress, konullu.AccessProfile, konullu.AccessContact}
	for _, c := range []struct {
		name    string
		viewer  *konullu.Viewer
		ties    fakeTies
		highest konullu.VolunteerAccess // the highest level seen
	}{
		{"anonymous", nil, fakeTies{centres: []int64{1}, shares: true}, konullu.AccessNone},
		{"coordinator of the centre the rule names", coordA, fakeTies{centres: []int64{1}}, konullu.AccessContact},
		{"coordinator of another centre", coordA, fakeTies{centres: []int64{9}}, konullu.AccessProfile},
		{"coordinator removed from every centre", unplaced, fakeTies{centres: []int64{1}, shares: false}, konullu.AccessNone},
		{"staff", staff, fakeTies{centres: []int64{1}, shares: true}, konullu.AccessProfile},
		{"admin", admin, fakeTies{}, konullu.AccessContact},
		{"the volunteer", self, fakeTies{}, konullu.AccessContact},
		{"a volunteer sharing a shift", peer, fakeTies{shares: true}, konullu.AccessName},
		{"a stranger", peer, fakeTies{}, konullu.AccessNone},
		// A mentor follows hours and shifts, never contact details; the mentee sees the mentor's name.
		{"the volunteer's mentor", peer, fakeTies{link: konullu.MentorOf}, konullu.AccessProgress},
		{"the volunteer's mentee", peer, fakeTies{link: konullu.MentoredBy}, konullu.AccessName},
		{"a mentor who is a coordinator elsewhere", coordA, fakeTies{centres: []int64{9}, link: konullu.MentorOf}, konullu.AccessProfile},
	} {
		for _, need := range levels {
			ties := c.ties
			ok, err := c.viewer.MaySeeVolunteer(vol, need, &ties)
			if err != nil {
				t.Fatal(err)
			}
			if want := need <= c.highest; ok != want {
				t.Errorf("%s, level %d: got %v, want %v", c.name, need, ok, want)
			}
			if need < konullu.AccessContact && ties.askedCentres > 0 {
				t.Errorf("%s, level %d: read the contact centres it does not need", c.name, need)
			}
		}
	}
}

func TestCanRecordConsent(t *testing.T) {
	coord := &konullu.Viewer{UserID: 2, Roles: []konullu.Role{konullu.RoleCoordinator}, CentreIDs: []int64{1, 2}}
	admin := &konullu.Viewer{UserID: 5, Roles: []konullu.Role{konullu.RoleAdmin}}
	staff := &konullu.Viewer{UserID: 4, Roles: []konullu.Role{konullu.RoleStaff}}
	switch {
	case !coord.CanRecordConsent([]int64{2, 3}):
		t.Error("a coordinator of a centre the minor is tied to may record")
	case coord.CanRecordConsent([]int64{3}), coord.CanRecordConsent(nil):
		t.Error("a coordinator with no tie to the minor may not record")
	case !admin.CanRecordConsent(nil):
		t.Error("an admin may always record")
	case staff.CanRecordConsent([]int64{1}):
		t.Error("staff may not record")
	}
}
