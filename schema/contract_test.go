package schema_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/schema"
)

// TestContract pins the operations of DESIGN's core contract (those of this
// issue) and our additions: the names are fixed, changes only additive.
func TestContract(t *testing.T) {
	e := newEnv(t)
	var d struct {
		Schema struct {
			QueryType, MutationType struct{ Fields []struct{ Name string } }
		} `json:"__schema"`
	}
	// Introspection is for admins (KONULLU_DEV=1 opens it to all: hardening_test.go).
	e.post(e.admin(), `{ __schema { queryType { fields { name } } mutationType { fields { name } } } }`, nil).ok(t, &d)
	names := func(fields []struct{ Name string }) []string {
		var out []string
		for _, f := range fields {
			out = append(out, f.Name)
		}
		slices.Sort(out)
		return out
	}
	wantQuery := []string{"centres", "me", "node", "positions", "shift", "shifts", "volunteer", "volunteers"}
	// Jobs and notifications (jobs.graphql, notifications.graphql).
	wantQuery = append(wantQuery, "jobRuns", "myNotifications", "unreadNotificationCount")
	// Reports, certificates and calendar feeds (reports.graphql).
	wantQuery = append(wantQuery, "participationReport", "certificate", "centreCalendarUrl")
	// Privacy and the audit trail (privacy.graphql, audit.graphql).
	wantQuery = append(wantQuery, "myData", "auditLog")
	wantQuery = append(wantQuery, "jobNames") // issue 12: administration
	slices.Sort(wantQuery)
	wantMutation := []string{"approveVolunteer", "assignVolunteer", "cancelShift", "checkIn", "checkOut", "createCentre",
		"createPosition", "createShifts", "grantRole", "login", "logout", "markNoShow", "publishShifts", "recordAttendance",
		"register", "setVolunteerSkills", "signUp", "updateMyProfile", "withdraw"}
	wantMutation = append(wantMutation, "markNotificationsRead", "runJob", "updateMyNotificationSettings")
	wantMutation = append(wantMutation, "issueCertificate", "revokeCertificate", "rotateCalendarUrl")
	wantMutation = append(wantMutation, "recordGuardianConsent", "deleteMyAccount")
	// Availability (availability.graphql).
	wantQuery = append(wantQuery, "availableVolunteers")
	wantMutation = append(wantMutation, "setMyAvailability")
	// Roster planning (roster.graphql).
	wantQuery = append(wantQuery, "rosterPlan", "rosterPlans")
	wantMutation = append(wantMutation, "setMyCommitment", "planRoster", "applyRosterPlan", "discardRosterPlan")
	// Account controls (account_controls.graphql; DESIGN, contract round 2, trust).
	wantQuery = append(wantQuery, "users")
	wantMutation = append(wantMutation, "changePassword", "requestPasswordReset", "resetPassword", "logoutEverywhere",
		"suspendUser", "reactivateUser", "revokeRole")
	// At the centre, live: place swaps, messages, attendance confirmation (swaps.graphql).
	wantQuery = append(wantQuery, "placeOffers")
	// The youth programme's report (programme_report.graphql).
	wantQuery = append(wantQuery, "programmeReport")
	wantMutation = append(wantMutation, "offerPlace", "withdrawOffer", "takePlace", "messageVolunteers", "confirmAttendance")
	// Time and the reader's language (time.graphql).
	wantMutation = append(wantMutation, "recordPastWork", "setMyAppLanguage")
	// Check-in that proves presence (presence.graphql; contract round 2, at the centre, live).
	wantQuery = append(wantQuery, "kioskCode")
	wantMutation = append(wantMutation, "createKiosk", "revokeKiosk", "setCentreSelfCheckIn", "checkInWithCode", "checkInVolunteerByCode")
	// Weekly series changed or cancelled from a date on (series.graphql).
	wantMutation = append(wantMutation, "updateSeries", "cancelSeries")
	// The youth programme: mentors, hour corrections, letters (mentoring.graphql; contract round 2).
	wantQuery = append(wantQuery, "hourCorrections", "recommendationLetter")
	wantMutation = append(wantMutation, "assignMentor", "removeMentor", "signUpWithMentee", "requestHourCorrection",
		"decideHourCorrection", "issueRecommendation")
	// The youth programme's intake (programme_intake.graphql).
	wantQuery = append(wantQuery, "cohorts", "cohort", "applications", "applicationConnection")
	wantMutation = append(wantMutation, "createCohort", "submitApplication", "scheduleInterview", "decideApplication")
	// Training and qualifications (qualifications.graphql).
	wantQuery = append(wantQuery, "qualifications", "courses")
	wantMutation = append(wantMutation, "createQualification", "grantQualification", "setPositionQualifications", "createCourse", "markCoursePassed")
	// Centres' day templates (daytemplate.graphql).
	wantMutation = append(wantMutation, "setCentreDayTemplate")
	// The catalogue edited, archived and deleted (issue 12; centres.graphql, positions.graphql).
	wantMutation = append(wantMutation, "updateCentre", "archiveCentre", "restoreCentre", "deleteCentre",
		"updatePosition", "archivePosition", "restorePosition", "deletePosition")
	// Issue 12: assign by name.
	wantQuery = append(wantQuery, "shiftCandidates")
	slices.Sort(wantQuery)
	slices.Sort(wantMutation)
	if got := names(d.Schema.QueryType.Fields); !slices.Equal(got, wantQuery) {
		t.Errorf("Query fields:\n got %v\nwant %v", got, wantQuery)
	}
	if got := names(d.Schema.MutationType.Fields); !slices.Equal(got, wantMutation) {
		t.Errorf("Mutation fields:\n got %v\nwant %v", got, wantMutation)
	}
	if sdl := schema.SDL(); !strings.Contains(sdl, "scalar DateTime") || !strings.Contains(sdl, "type Shift implements Node") {
		t.Error("SDL() lacks the schema")
	}
}

func TestMarkNoShow(t *testing.T) {
	e := newEnv(t)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	p := e.position("Reception guide")
	past := e.shift(c, p, t0.Add(-24*time.Hour), 3, true)
	vol := e.account("vusal@example.az", "Vüsal")
	a := e.assignedAhead(past, vol.VolunteerID)
	coord := e.account("coord@konullu.az", "Coordinator")
	e.grant(coord, konullu.RoleCoordinator, c.ID)
	noShow := `mutation($a: ID!) { markNoShow(assignmentId: $a, note: "did not call either") { status creditedMinutes } }`
	vars := map[string]any{"a": gid("Assignment", a.ID)}

	e.post(e.login("vusal@example.az"), noShow, vars).wantError(t, konullu.EFORBIDDEN, "")
	var d struct{ MarkNoShow struct{ Status string } }
	e.post(e.login("coord@konullu.az"), noShow, vars).ok(t, &d)
	if d.MarkNoShow.Status != "NO_SHOW" {
		t.Errorf("status %s, want NO_SHOW", d.MarkNoShow.Status)
	}
}
