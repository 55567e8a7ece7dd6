package schema

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// guardianConsentResolver resolves GuardianConsent; whoever holds one may
// see the volunteer's contact details (Volunteer.guardianConsent and
// guardianConsentHistory check the contact rule before making one).
type guardianConsentResolver struct {
	scope
	c *konullu.GuardianConsent
}

func (g *guardianConsentResolver) GuardianName() string { return g.c.GuardianName }
func (g *guardianConsentResolver) Relationship() string { return g.c.Relationship }
func (g *guardianConsentResolver) Contact() *string     { return optional(g.c.Contact) }
func (g *guardianConsentResolver) Note() *string        { return optional(g.c.Note) }
func (g *guardianConsentResolver) RecordedAt() dateTime { return dateTime{g.c.RecordedAt} }

func (g *guardianConsentResolver) RecordedByName() *string { return optional(g.c.RecordedByName) }

func (g *guardianConsentResolver) SupersededAt() *dateTime {
	if g.c.SupersededAt == nil {
		return nil
	}
	return &dateTime{*g.c.SupersededAt}
}

func (g *guardianConsentResolver) RecordedBy(ctx context.Context) (*userResolver, error) {
	if g.c.RecordedBy == 0 {
		return nil, nil
	}
	return g.r.userByID(ctx, g.c.RecordedBy)
}

// NeedsGuardianConsent resolves Volunteer.needsGuardianConsent.
func (v *volunteerResolver) NeedsGuardianConsent(ctx context.Context) (bool, error) {
	if ok, err := v.may(ctx, konullu.AccessProfile); !ok || err != nil {
		return false, orHidden(err)
	}
	return konullu.NeedsGuardianConsent(v.v.BirthDate, v.r.now(), v.r.loc), nil
}

// HasGuardianConsent resolves Volunteer.hasGuardianConsent.
func (v *volunteerResolver) HasGuardianConsent(ctx context.Context) (bool, error) {
	if ok, err := v.may(ctx, konullu.AccessProfile); !ok || err != nil {
		return false, orHidden(err)
	}
	c, err := v.consent(ctx)
	return c != nil, err
}

// GuardianConsent resolves Volunteer.guardianConsent.
func (v *volunteerResolver) GuardianConsent(ctx context.Context) (*guardianConsentResolver, error) {
	// AUTHZ: the guardian's contact is as private as the volunteer's own.
	if ok, err := v.may(ctx, konullu.AccessContact); !ok || err != nil {
		return nil, err
	}
	c, err := v.consent(ctx)
	if c == nil || err != nil {
		return nil, err
	}
	return &guardianConsentResolver{v.scope, c}, nil
}

// GuardianConsentHistory resolves Volunteer.guardianConsentHistory.
func (v *volunteerResolver) GuardianConsentHistory(ctx context.Context) (*[]*guardianConsentResolver, error) {
	// AUTHZ: the history holds guardians' contacts: the contact rule again.
	if ok, err := v.may(ctx, konullu.AccessContact); !ok || err != nil {
		return nil, err
	}
	list, _, err := loadersFrom(ctx).consentHistory.Get(ctx, v.v.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*guardianConsentResolver, len(list))
	for i, c := range list {
		out[i] = &guardianConsentResolver{v.scope, c}
	}
	return &out, nil
}

func (v *volunteerResolver) consent(ctx context.Context) (*konullu.GuardianConsent, error) {
	if v.r.privacy == nil {
		return nil, nil
	}
	c, _, err := loadersFrom(ctx).consents.Get(ctx, v.v.ID)
	return c, err
}

type guardianConsentInput struct {
	VolunteerID  graphql.ID
	GuardianName string
	Relationship string
	Contact      *string
	Note         *string
}

// RecordGuardianConsent resolves Mutation.recordGuardianConsent.
func (r *root) RecordGuardianConsent(ctx context.Context, args struct{ Input guardianConsentInput }) (*volunteerResolver, error) {
	// AUTHZ: admins, and coordinators of a centre the minor is tied to
	// (CanRecordConsent, checked below once the volunteer is known).
	if err := requireCoordinatorOrAdmin(ctx); err != nil {
		return nil, err
	}
	if r.privacy == nil {
		return nil, &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "consents are not kept by this server"}
	}
	in := args.Input
	id, err := parseID("volunteerId", kindVolunteer, in.VolunteerID)
	if err != nil {
		return nil, err
	}
	c, err := konullu.ValidateGuardianConsent(konullu.GuardianConsent{VolunteerID: id, GuardianName: in.GuardianName,
		Relationship: in.Relationship, Contact: deref(in.Contact), Note: deref(in.Note), RecordedBy: konullu.ViewerFrom(ctx).UserID})
	if err != nil {
		return nil, err
	}
	if _, ok, err := loadersFrom(ctx).volunteers.Get(ctx, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "volunteer not found", Field: "volunteerId"}
	}
	if vw := konullu.ViewerFrom(ctx); !vw.IsAdmin() {
		centres, err := r.privacy.ConsentCentres(ctx, id)
		if err != nil {
			return nil, err
		}
		// AUTHZ: a coordinator records consent only for a minor who holds or
		// applied for a place at one of their centres.
		if !vw.CanRecordConsent(centres) {
			return nil, &konullu.Error{Code: konullu.EFORBIDDEN, Field: "volunteerId",
				Message: "you may record a guardian's consent only for a volunteer who holds or applied for a place at one of your centres"}
		}
	}
	if _, err := r.privacy.RecordGuardianConsent(ctx, c); err != nil {
		return nil, err
	}
	if r.index != nil {
		r.index.UpdateVolunteer(context.WithoutCancel(ctx), id) // a minor may now be matched
	}
	vols, err := r.store.VolunteersByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if vols[id] == nil {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "volunteer not found", Field: "volunteerId"}
	}
	return r.volunteerResult(ctx, vols[id], nil)
}

// MyData resolves Query.myData.
func (r *root) MyData(ctx context.Context) (string, error) {
	b, err := r.exportOf(ctx)
	return string(b), err
}

func (r *root) exportOf(ctx context.Context) ([]byte, error) {
	// AUTHZ: one downloads only one's own data.
	v, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if r.privacy == nil {
		return nil, &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "exports are not offered by this server"}
	}
	p, err := r.privacy.ExportPersonalData(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	return konullu.MarshalPersonalData(p)
}

// accountDeletionResolver resolves AccountDeletion.
type accountDeletionResolver struct{ d *konullu.DeletedAccount }

func (a *accountDeletionResolver) Deleted() bool               { return true }
func (a *accountDeletionResolver) WithdrawnAssignments() int32 { return int32(a.d.Withdrawn) }
func (a *accountDeletionResolver) KeptAssignments() int32      { return int32(a.d.KeptAssignments) }

// DeleteMyAccount resolves Mutation.deleteMyAccount.
func (r *root) DeleteMyAccount(ctx context.Context, args struct{ Password string }) (*accountDeletionResolver, error) {
	// AUTHZ: one deletes only one's own account, confirming with the password.
	v, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if r.privacy == nil {
		return nil, &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "accounts cannot be deleted on this server"}
	}
	u, ok, err := loadersFrom(ctx).users.Get(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("delete account: user %d vanished", v.UserID)
	}
	// Guessing the password here is guessing it at login: the same limits.
	if _, err := r.limitPasswordGuess(ctx, u.Email); err != nil {
		return nil, err
	}
	wrong := &konullu.Error{Code: konullu.EFORBIDDEN, Message: "the password is not right", Field: "password"}
	_, hash, err := r.store.Credentials(ctx, u.Email)
	var de *konullu.Error
	switch {
	case errors.As(err, &de) && de.Code == konullu.ENOTFOUND:
		return nil, wrong
	case err != nil:
		return nil, err
	case hash == "" || len(args.Password) > 1024 || !konullu.CheckPassword(args.Password, hash):
		return nil, wrong
	}
	d, err := r.privacy.DeleteAccount(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	r.publishAccountChange(ctx, v.UserID)
	if r.index != nil {
		// The index re-reads what changed: the volunteer is gone, the places freed.
		ictx := context.WithoutCancel(ctx)
		r.index.UpdateVolunteer(ictx, v.VolunteerID)
		for _, s := range d.Shifts {
			r.index.UpdateShift(ictx, s)
		}
	}
	loadersFrom(ctx).reset()
	for _, s := range d.Shifts {
		// The account's places are gone (anonymised, not listed one by one).
		r.publishCentreEvent(ctx, konullu.CentreEvent{Kind: konullu.CentreWithdrawn, ShiftID: s})
	}
	r.log.InfoContext(ctx, "account deleted", "request_id", RequestID(ctx), "withdrawn", d.Withdrawn, "kept_assignments", d.KeptAssignments)
	return &accountDeletionResolver{d}, nil
}

// serveExport answers GET /me/export: the signed-in user's data as a JSON download.
func (h *handler) serveExport(w http.ResponseWriter, req *http.Request) {
	ctx := req.Context()
	fail := func(status int, e responseError) {
		h.fail(w, mediaJSON, status, e)
	}
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		fail(http.StatusMethodNotAllowed, codeOnly(konullu.EINVALID, "use GET"))
		return
	}
	if req.Header.Get("Authorization") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer`)
		fail(http.StatusUnauthorized, fromDomain(konullu.ErrUnauthenticated))
		return
	}
	actx, err := h.root.authenticate(ctx, req.Header.Get("Authorization"))
	if err == nil {
		var b []byte
		b, err = h.root.exportOf(context.WithValue(actx, loadersKey, newLoaders(h.root.store, h.root.privacy)))
		if err == nil {
			hd := w.Header()
			hd.Set("Content-Type", "application/json; charset=utf-8")
			hd.Set("Content-Disposition", `attachment; filename="konullu-my-data.json"`)
			hd.Set("Cache-Control", "no-store")
			hd.Set("X-Content-Type-Options", "nosniff")
			w.Write(b)
			return
		}
	}
	if ue := h.root.asUnavailable(err); ue != nil {
		h.logInternal(ctx, err, nil)
		w.Header().Set("Retry-After", "1")
		fail(http.StatusServiceUnavailable, fromDomain(ue))
		return
	}
	var de *konullu.Error
	if errors.As(err, &de) && de.Code != konullu.EINTERNAL {
		status := http.StatusBadRequest
		if de.Code == konullu.EUNAUTHENTICATED {
			status = http.StatusUnauthorized
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		}
		fail(status, fromDomain(de))
		return
	}
	h.logInternal(ctx, err, nil)
	fail(http.StatusInternalServerError, codeOnly(konullu.EINTERNAL, internalMessage))
}
