package schema

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// Check-in that proves presence (presence.graphql): kiosks, their rotating
// codes, the volunteers' personal codes and the centres' self check-in
// setting. The codes are konullu.KioskCode and konullu.PersonalCode under
// the check-in secret, which never leaves the server: the configured one
// (KONULLU_CHECKIN_SECRET), or one the database keeps, made on first use.

// RuleCheckInCode limits the codes a user tries (checkInWithCode and
// checkInVolunteerByCode); key: the user id. Guessing six digits within a
// minute's two windows at this pace takes years.
const RuleCheckInCode = "checkin-code"

// checkInSecretName names the check-in secret in the database.
const checkInSecretName = "checkin-hmac"

// presenceDeps are the root's dependencies for check-in by code.
type presenceDeps struct {
	presence konullu.PresenceStore
	secret   *checkInSecret
}

// checkInSecret is the HMAC key of check-in codes, read once.
type checkInSecret struct {
	mu  sync.Mutex
	key []byte
}

func (c Config) presenceDeps() presenceDeps {
	d := presenceDeps{presence: c.Presence, secret: &checkInSecret{}}
	if d.presence == nil {
		d.presence, _ = c.Store.(konullu.PresenceStore)
	}
	if c.CheckInSecret != "" {
		d.secret.key = []byte(c.CheckInSecret)
	}
	return d
}

var errNoPresence = &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "check-in by code is not kept by this server"}

func (r *root) presenceStore() (konullu.PresenceStore, error) {
	if r.presence == nil {
		return nil, errNoPresence
	}
	return r.presence, nil
}

// checkInKey returns the HMAC key of check-in codes.
func (r *root) checkInKey(ctx context.Context) ([]byte, error) {
	r.secret.mu.Lock()
	defer r.secret.mu.Unlock()
	if r.secret.key != nil {
		return r.secret.key, nil
	}
	ps, err := r.presenceStore()
	if err != nil {
		return nil, err
	}
	key, err := ps.ServerSecret(ctx, checkInSecretName, 32)
	if err != nil {
		return nil, err
	}
	r.secret.key = key
	return key, nil
}

// Kiosk tokens: the prefix, then 32 random bytes base64url. Only their
// SHA-256 is stored.
func newKioskToken() (string, error) {
	b := make([]byte, sessionTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return konullu.KioskTokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

type kioskKeyType struct{}

// authenticateKiosk resolves a kiosk token: the request stays anonymous,
// with the kiosk in its context, and may ask for kioskCode only.
func (r *root) authenticateKiosk(ctx context.Context, token string) (context.Context, error) {
	if len(token) != len(konullu.KioskTokenPrefix)+sessionTokenLength {
		return nil, errBadKioskToken
	}
	ps, err := r.presenceStore()
	if err != nil {
		return nil, err
	}
	k, err := ps.KioskByTokenHash(ctx, tokenHash(token))
	if konullu.ErrorCode(err) == konullu.EUNAUTHENTICATED {
		return nil, errBadKioskToken
	}
	if err != nil {
		return nil, err
	}
	return context.WithValue(ctx, kioskKeyType{}, k), nil
}

var errBadKioskToken = &konullu.Error{Code: konullu.EUNAUTHENTICATED, Message: "this kiosk token is unknown or was revoked; ask a coordinator of the centre for a new one"}

// kioskFrom returns the kiosk a request is signed in as, or nil.
func kioskFrom(ctx context.Context) *konullu.Kiosk {
	k, _ := ctx.Value(kioskKeyType{}).(*konullu.Kiosk)
	return k
}

var errKioskOnly = &konullu.Error{Code: konullu.EFORBIDDEN, Message: "a kiosk token opens kioskCode only"}

// kioskMayRun says which fields a kiosk's request may run: kioskCode and
// whatever it holds, nothing else at the top level.
func kioskMayRun(typeName, fieldName string) bool {
	switch typeName {
	case "Query":
		return fieldName == "kioskCode" || fieldName == "__typename"
	case "Mutation", "Subscription":
		return fieldName == "__typename"
	}
	return true
}

// kioskResolver resolves Kiosk; whoever holds one may manage its centre.
type kioskResolver struct{ k *konullu.Kiosk }

func (k *kioskResolver) ID() graphql.ID      { return globalID(kindKiosk, k.k.ID) }
func (k *kioskResolver) Name() string        { return k.k.Name }
func (k *kioskResolver) CreatedAt() dateTime { return dateTime{k.k.CreatedAt} }
func (k *kioskResolver) RevokedAt() *dateTime {
	return dateTimePtr(k.k.RevokedAt)
}
func (k *kioskResolver) Centre(ctx context.Context) (*centreResolver, error) {
	return centreOf(ctx, k.k.CentreID)
}

func centreOf(ctx context.Context, id int64) (*centreResolver, error) {
	c, ok, err := loadersFrom(ctx).centres.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, konullu.NotFound("centre")
	}
	return &centreResolver{c}, nil
}

// SelfCheckIn resolves Centre.selfCheckIn.
func (c *centreResolver) SelfCheckIn() bool { return c.c.SelfCheckIn }

// Kiosks resolves Centre.kiosks.
func (c *centreResolver) Kiosks(ctx context.Context) ([]*kioskResolver, error) {
	// AUTHZ: a centre's kiosks are its coordinators' and the admins' business.
	if !konullu.ViewerFrom(ctx).CanManageCentre(c.c.ID) {
		return []*kioskResolver{}, nil
	}
	list, _, err := loadersFrom(ctx).kiosks.Get(ctx, c.c.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*kioskResolver, len(list))
	for i, k := range list {
		out[i] = &kioskResolver{k}
	}
	return out, nil
}

// Presence resolves Assignment.presence.
func (a *assignmentResolver) Presence() *string {
	if a.a.Presence == "" {
		return nil
	}
	p := string(a.a.Presence)
	return &p
}

// CheckInCode resolves Volunteer.checkInCode.
func (v *volunteerResolver) CheckInCode(ctx context.Context) (*string, error) {
	// AUTHZ: the personal code is the volunteer's alone: whoever holds it
	// can have them checked in.
	if vw := v.viewer(ctx); vw.VolunteerID == 0 || vw.VolunteerID != v.v.ID {
		return nil, nil
	}
	key, err := v.r.checkInKey(ctx)
	if err != nil {
		return nil, err
	}
	code := konullu.PersonalCode(key, v.v.ID, konullu.CodeWindowAt(v.r.now()))
	return &code, nil
}

// CheckInCodeValidUntil resolves Volunteer.checkInCodeValidUntil.
func (v *volunteerResolver) CheckInCodeValidUntil(ctx context.Context) *dateTime {
	// AUTHZ: as checkInCode.
	if vw := v.viewer(ctx); vw.VolunteerID == 0 || vw.VolunteerID != v.v.ID {
		return nil
	}
	return &dateTime{konullu.CodeWindowEnd(konullu.CodeWindowAt(v.r.now()))}
}

// kioskCodeResolver resolves KioskCode.
type kioskCodeResolver struct {
	r        *root
	code     string
	centreID int64
	until    time.Time
}

func (k *kioskCodeResolver) Code() string         { return k.code }
func (k *kioskCodeResolver) ValidUntil() dateTime { return dateTime{k.until} }
func (k *kioskCodeResolver) Url() string          { return checkInURL(k.r.publicURL, k.code) }
func (k *kioskCodeResolver) Centre(ctx context.Context) (*centreResolver, error) {
	return centreOf(ctx, k.centreID)
}

// checkInURL is the address a kiosk's QR code holds: the web app's
// check-in page with the code.
func checkInURL(base, code string) string {
	return strings.TrimRight(base, "/") + "/checkin?code=" + url.QueryEscape(code)
}

// KioskCode resolves Query.kioskCode.
func (r *root) KioskCode(ctx context.Context) (*kioskCodeResolver, error) {
	// AUTHZ: only a kiosk's own token shows its centre's code.
	k := kioskFrom(ctx)
	if k == nil {
		return nil, &konullu.Error{Code: konullu.EUNAUTHENTICATED, Message: "kioskCode needs a kiosk token as the bearer"}
	}
	key, err := r.checkInKey(ctx)
	if err != nil {
		return nil, err
	}
	w := konullu.CodeWindowAt(r.now())
	return &kioskCodeResolver{r: r, code: konullu.KioskCode(key, k.CentreID, w), centreID: k.CentreID, until: konullu.CodeWindowEnd(w)}, nil
}

// kioskTokenResolver resolves KioskToken.
type kioskTokenResolver struct {
	k     *konullu.Kiosk
	token string
}

func (t *kioskTokenResolver) Kiosk() *kioskResolver { return &kioskResolver{t.k} }
func (t *kioskTokenResolver) Token() string         { return t.token }

// CreateKiosk resolves Mutation.createKiosk.
func (r *root) CreateKiosk(ctx context.Context, args struct {
	CentreID graphql.ID
	Name     string
}) (*kioskTokenResolver, error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	centreID, err := parseID("centreId", kindCentre, args.CentreID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: the centre's coordinators and admins make its kiosks.
	if err := requireManager(ctx, centreID); err != nil {
		return nil, err
	}
	if _, ok, err := loadersFrom(ctx).centres.Get(ctx, centreID); err != nil {
		return nil, err
	} else if !ok {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "centre not found", Field: "centreId"}
	}
	name, err := konullu.CleanText("name", args.Name, true, konullu.MaxKioskName)
	if err != nil {
		return nil, err
	}
	ps, err := r.presenceStore()
	if err != nil {
		return nil, err
	}
	token, err := newKioskToken()
	if err != nil {
		return nil, err
	}
	k := &konullu.Kiosk{CentreID: centreID, Name: name, CreatedBy: vw.UserID}
	if err := ps.CreateKiosk(ctx, k, tokenHash(token)); err != nil {
		return nil, err
	}
	auditCreated(ctx, kindKiosk, k.ID)
	loadersFrom(ctx).reset() // the centre's self check-in default may have changed
	return &kioskTokenResolver{k: k, token: token}, nil
}

// RevokeKiosk resolves Mutation.revokeKiosk.
func (r *root) RevokeKiosk(ctx context.Context, args struct{ ID graphql.ID }) (*kioskResolver, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	id, err := parseID("id", kindKiosk, args.ID)
	if err != nil {
		return nil, err
	}
	ps, err := r.presenceStore()
	if err != nil {
		return nil, err
	}
	k, err := ps.Kiosk(ctx, id)
	if konullu.ErrorCode(err) == konullu.ENOTFOUND {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "kiosk not found", Field: "id"}
	}
	if err != nil {
		return nil, err
	}
	// AUTHZ: the centre's coordinators and admins revoke its kiosks; to
	// anyone else the kiosk does not exist.
	if !konullu.ViewerFrom(ctx).CanManageCentre(k.CentreID) {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "kiosk not found", Field: "id"}
	}
	k, err = ps.RevokeKiosk(ctx, id)
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).reset()
	return &kioskResolver{k}, nil
}

// SetCentreSelfCheckIn resolves Mutation.setCentreSelfCheckIn.
func (r *root) SetCentreSelfCheckIn(ctx context.Context, args struct {
	CentreID graphql.ID
	Allowed  bool
}) (*centreResolver, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	centreID, err := parseID("centreId", kindCentre, args.CentreID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: the centre's coordinators and admins decide.
	if err := requireManager(ctx, centreID); err != nil {
		return nil, err
	}
	ps, err := r.presenceStore()
	if err != nil {
		return nil, err
	}
	if err := ps.SetSelfCheckIn(ctx, centreID, args.Allowed); err != nil {
		if konullu.ErrorCode(err) == konullu.ENOTFOUND {
			return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "centre not found", Field: "centreId"}
		}
		return nil, err
	}
	l := loadersFrom(ctx)
	l.reset()
	return centreOf(ctx, centreID)
}

// openForCheckIn returns the viewer's assignments that could check in now
// (CONFIRMED, or CHECKED_IN already, in a published shift whose check-in
// window holds now), with their shifts, earliest start first.
func (r *root) openForCheckIn(ctx context.Context, volunteerID int64, now time.Time) ([]*konullu.Assignment, map[int64]*konullu.Shift, error) {
	// Shifts are at most a day long in practice; two days back is generous.
	list, err := r.store.AssignmentsOfVolunteer(ctx, volunteerID, now.Add(-48*time.Hour), now.Add(r.rules.CheckInOpens+time.Second))
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ShiftID
	}
	shifts, err := r.store.ShiftsByIDs(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	var open []*konullu.Assignment
	for _, a := range list {
		s := shifts[a.ShiftID]
		if s == nil || s.Status != konullu.ShiftPublished {
			continue
		}
		check := a
		if a.Status == konullu.AssignmentCheckedIn {
			c := *a
			c.Status = konullu.AssignmentConfirmed
			check = &c
		}
		if r.rules.CheckCheckIn(now, s, check) == nil {
			open = append(open, a)
		}
	}
	return open, shifts, nil
}

// pickCheckIn chooses the assignment a code checks in among those open at
// a centre: the earliest not checked in yet, else the one checked in.
func pickCheckIn(open []*konullu.Assignment, shifts map[int64]*konullu.Shift, centre func(int64) bool) *konullu.Assignment {
	var done *konullu.Assignment
	for _, a := range open {
		if !centre(shifts[a.ShiftID].CentreID) {
			continue
		}
		if a.Status == konullu.AssignmentConfirmed {
			return a
		}
		if done == nil {
			done = a
		}
	}
	return done
}

// checkInResult answers a check-in by code with the assignment, reporting
// it to the audit trail (no argument names it) and, when it was not checked
// in before, to the centre's live subscribers.
func (r *root) checkInResult(ctx context.Context, before, a *konullu.Assignment, err error) (*assignmentResolver, error) {
	if err == nil {
		auditCreated(ctx, kindAssignment, a.ID)
	}
	out, err := r.assignmentResult(ctx, a, err)
	if before.Status != konullu.AssignmentCheckedIn {
		r.publishAssignmentEvent(ctx, konullu.CentreCheckedIn, out, err)
	}
	return out, err
}

// CheckInWithCode resolves Mutation.checkInWithCode.
func (r *root) CheckInWithCode(ctx context.Context, args struct{ Code string }) (*assignmentResolver, error) {
	// AUTHZ: a volunteer checks in only themselves.
	volunteerID, err := ownVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	vw := konullu.ViewerFrom(ctx)
	if err := r.limit(ctx, RuleCheckInCode, strconv.FormatInt(vw.UserID, 10)); err != nil {
		return nil, err
	}
	code, err := konullu.NormaliseKioskCode("code", args.Code)
	if err != nil {
		return nil, err
	}
	ps, err := r.presenceStore()
	if err != nil {
		return nil, err
	}
	key, err := r.checkInKey(ctx)
	if err != nil {
		return nil, err
	}
	now := r.now()
	centres, err := ps.KioskCentres(ctx)
	if err != nil {
		return nil, err
	}
	open, shifts, err := r.openForCheckIn(ctx, volunteerID, now)
	if err != nil {
		return nil, err
	}
	// Which centre showed the code, and how long ago: the centres where the
	// volunteer may check in first, so a code of theirs always wins.
	openAt := map[int64]bool{}
	for _, a := range open {
		openAt[shifts[a.ShiftID].CentreID] = true
	}
	slices.SortStableFunc(centres, func(a, b int64) int { return boolRank(openAt[b]) - boolRank(openAt[a]) })
	var matched int64
	age := -1
	for _, c := range centres {
		if _, a, ok := konullu.MatchCode(code, now, func(w int64) string { return konullu.KioskCode(key, c, w) }); ok && (age < 0 || a < age) {
			matched, age = c, a
			if a < konullu.CodeAcceptedWindows {
				break
			}
		}
	}
	switch {
	case age < 0:
		return nil, konullu.Invalid("code", "no kiosk shows this code; type the code on the screen again, or scan it")
	case age >= konullu.CodeAcceptedWindows:
		return nil, konullu.Errorf(konullu.ECODEEXPIRED, "this code is %s old and no longer accepted; scan the code on the screen now",
			(time.Duration(age) * konullu.CodeWindow).String())
	}
	a := pickCheckIn(open, shifts, func(c int64) bool { return c == matched })
	if a == nil {
		return nil, r.noPlaceAt(ctx, volunteerID, matched, now)
	}
	res, err := ps.CheckInWithProof(ctx, konullu.CheckIn{AssignmentID: a.ID, Proof: konullu.PresenceKiosk, Again: true})
	return r.checkInResult(ctx, a, res, err)
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// noPlaceAt explains why a volunteer cannot check in at a centre now: the
// check-in rule of today's place there (not open yet, closed), or
// WRONG_CENTRE when they have none.
func (r *root) noPlaceAt(ctx context.Context, volunteerID, centreID int64, now time.Time) error {
	list, err := r.store.AssignmentsOfVolunteer(ctx, volunteerID, now.Add(-24*time.Hour), now.Add(24*time.Hour))
	if err != nil {
		return err
	}
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ShiftID
	}
	shifts, err := r.store.ShiftsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	for _, a := range list {
		if s := shifts[a.ShiftID]; s != nil && s.CentreID == centreID && s.Status == konullu.ShiftPublished && a.Status == konullu.AssignmentConfirmed {
			if err := r.rules.CheckCheckIn(now, s, a); err != nil {
				return err
			}
		}
	}
	name := "this centre"
	if c, ok, err := loadersFrom(ctx).centres.Get(ctx, centreID); err == nil && ok {
		name = c.Name
	}
	return konullu.Errorf(konullu.EWRONGCENTRE, "this code is of %s, where you hold no place in a shift open for check-in now", name)
}

// CheckInVolunteerByCode resolves Mutation.checkInVolunteerByCode.
func (r *root) CheckInVolunteerByCode(ctx context.Context, args struct{ Code string }) (*assignmentResolver, error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	// AUTHZ: coordinators (of the volunteer's centre, below) and admins.
	if !vw.IsAdmin() && !vw.IsCoordinator() {
		return nil, konullu.ErrForbidden
	}
	if err := r.limit(ctx, RuleCheckInCode, strconv.FormatInt(vw.UserID, 10)); err != nil {
		return nil, err
	}
	volunteerID, code, err := konullu.ParsePersonalCode("code", args.Code)
	if err != nil {
		return nil, err
	}
	ps, err := r.presenceStore()
	if err != nil {
		return nil, err
	}
	key, err := r.checkInKey(ctx)
	if err != nil {
		return nil, err
	}
	now := r.now()
	w, age, ok := konullu.MatchCode(code, now, func(w int64) string { return konullu.PersonalCode(key, volunteerID, w) })
	switch {
	case !ok:
		return nil, konullu.Invalid("code", "not a volunteer's check-in code")
	case age >= konullu.CodeAcceptedWindows:
		return nil, konullu.Errorf(konullu.ECODEEXPIRED, "this code is %s old; ask the volunteer to show the new one",
			(time.Duration(age) * konullu.CodeWindow).String())
	}
	open, shifts, err := r.openForCheckIn(ctx, volunteerID, now)
	if err != nil {
		return nil, err
	}
	// AUTHZ: only at a centre the viewer runs.
	a := pickCheckIn(open, shifts, vw.CanManageCentre)
	if a == nil {
		if len(open) > 0 {
			return nil, konullu.Errorf(konullu.EWRONGCENTRE, "the volunteer's shift open for check-in now is at a centre you do not run")
		}
		return nil, konullu.Errorf(konullu.ENOTFOUND, "the volunteer holds no place in a shift of your centres open for check-in now")
	}
	res, err := ps.CheckInWithProof(ctx, konullu.CheckIn{AssignmentID: a.ID, Proof: konullu.PresenceCoordinator, UsedWindow: w, Again: true})
	return r.checkInResult(ctx, a, res, err)
}

// kioskByID returns a kiosk the viewer may manage, or nil.
func (r *root) kioskByID(ctx context.Context, id int64) (*kioskResolver, error) {
	if r.presence == nil {
		return nil, nil
	}
	k, err := r.presence.Kiosk(ctx, id)
	if konullu.ErrorCode(err) == konullu.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// AUTHZ: a kiosk is its centre's coordinators' and the admins' business.
	if !konullu.ViewerFrom(ctx).CanManageCentre(k.CentreID) {
		return nil, nil
	}
	return &kioskResolver{k}, nil
}

// ProvenAssignments resolves Certificate.provenAssignments.
func (x *certificateResolver) ProvenAssignments() int32 { return int32(x.c.Proven) }
