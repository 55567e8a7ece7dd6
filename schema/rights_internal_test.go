package schema

import (
	"testing"

	"github.com/konullu/konullu"
)

// TestRightsManagesAsTheViewer: the routing's shortcut (rights.manages)
// answers as Viewer.CanManageCentre for every kind of viewer.
func TestRightsManagesAsTheViewer(t *testing.T) {
	viewers := []*konullu.Viewer{
		{},
		{UserID: 1, Roles: []konullu.Role{konullu.RoleVolunteer}, CentreIDs: []int64{1}},
		{UserID: 2, Roles: []konullu.Role{konullu.RoleCoordinator}, CentreIDs: []int64{3, 1}},
		{UserID: 3, Roles: []konullu.Role{konullu.RoleCoordinator}},
		{UserID: 4, Roles: []konullu.Role{konullu.RoleStaff}, CentreIDs: []int64{1}},
		{UserID: 5, Roles: []konullu.Role{konullu.RoleAdmin}},
		{UserID: 6, Roles: []konullu.Role{konullu.RoleVolunteer, konullu.RoleCoordinator}, CentreIDs: []int64{2, 2}},
	}
	for _, v := range viewers {
		rt := newRights(v)
		if rt.signedIn != v.Authenticated() {
			t.Errorf("viewer %d: signed in %v, want %v", v.UserID, rt.signedIn, v.Authenticated())
		}
		for centre := int64(0); centre <= 4; centre++ {
			if got, want := rt.manages(centre), v.CanManageCentre(centre); got != want {
				t.Errorf("viewer %d, centre %d: manages %v, want %v", v.UserID, centre, got, want)
			}
		}
	}
}
