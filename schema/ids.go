package schema

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// Kinds of global ids: the GraphQL type names of the Node types.
const (
	kindUser       = "User"
	kindCentre     = "Centre"
	kindPosition   = "Position"
	kindShift      = "Shift"
	kindAssignment = "Assignment"
	kindVolunteer  = "Volunteer"
	// Jobs and notifications.
	kindNotification = "Notification"
	kindJobRun       = "JobRun"
	// Roster planning.
	kindRosterPlan     = "RosterPlan"
	kindRosterProposal = "RosterProposal"
	// Check-in that proves presence.
	kindKiosk = "Kiosk"
)

var knownKinds = map[string]bool{
	kindUser: true, kindCentre: true, kindPosition: true,
	kindShift: true, kindAssignment: true, kindVolunteer: true,
	kindNotification: true, kindJobRun: true,
	kindRosterPlan: true, kindRosterProposal: true,
	kindKiosk: true,
}

// globalID returns the opaque id of an object: base64url of "Kind:42". The
// kind makes node(id:) possible and stops a centre id being taken for a shift.
func globalID(kind string, id int64) graphql.ID {
	return graphql.ID(base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.FormatInt(id, 10))))
}

// parseGlobalID splits an opaque id into its kind and database id. field
// names the argument in the INVALID_INPUT error of a malformed id.
func parseGlobalID(field string, id graphql.ID) (kind string, n int64, err error) {
	raw, err := decodeCanonical(string(id))
	if err != nil || len(raw) > 64 {
		return "", 0, konullu.Invalid(field, "not a valid id")
	}
	kind, num, ok := strings.Cut(string(raw), ":")
	if !ok || !knownKinds[kind] {
		return "", 0, konullu.Invalid(field, "not a valid id")
	}
	n, err = strconv.ParseInt(num, 10, 64)
	// Only the canonical form is accepted so that one object has one id.
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != num {
		return "", 0, konullu.Invalid(field, "not a valid id")
	}
	return kind, n, nil
}

// decodeCanonical decodes unpadded base64url and accepts only the form
// encoding would give back: the decoder skips '\r' and '\n' even in strict
// mode, so without this one object (or one page) would answer to many strings.
func decodeCanonical(s string) ([]byte, error) {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, err
	}
	if base64.RawURLEncoding.EncodeToString(raw) != s {
		return nil, errors.New("not in canonical form")
	}
	return raw, nil
}

// parseID decodes an opaque id that must be of the given kind.
func parseID(field, kind string, id graphql.ID) (int64, error) {
	k, n, err := parseGlobalID(field, id)
	if err != nil {
		return 0, err
	}
	if k != kind {
		return 0, konullu.Invalid(field, "not the id of a %s", strings.ToLower(kind))
	}
	return n, nil
}

// parseIDs decodes a list of opaque ids of one kind, dropping repeats.
func parseIDs(field, kind string, ids []graphql.ID) ([]int64, error) {
	out := make([]int64, 0, len(ids))
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		n, err := parseID(field, kind, id)
		if err != nil {
			return nil, err
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}
