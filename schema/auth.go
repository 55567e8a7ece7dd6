package schema

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/konullu/konullu"
)

// Session tokens are 32 random bytes, base64url without padding. Only their
// SHA-256 is stored: a leaked sessions table does not sign anyone in, and a
// token this random needs no slow hash.
const sessionTokenBytes = 32

var sessionTokenLength = base64.RawURLEncoding.EncodedLen(sessionTokenBytes)

func newSessionToken() (string, error) {
	b := make([]byte, sessionTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func tokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

var errBadToken = &konullu.Error{Code: konullu.EUNAUTHENTICATED, Message: "the session has expired or was revoked; sign in again"}

// authenticate resolves the viewer of an Authorization header. No header is
// the anonymous viewer; a header that is not a valid bearer token of a live
// session is an error, never a silent fall back to anonymous (a client
// would take the empty answers for the truth).
func (r *root) authenticate(ctx context.Context, header string) (context.Context, error) {
	if header == "" {
		return ctx, nil
	}
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, &konullu.Error{Code: konullu.EUNAUTHENTICATED, Message: "the Authorization header must be: Bearer <token>"}
	}
	if strings.HasPrefix(token, konullu.KioskTokenPrefix) {
		return r.authenticateKiosk(ctx, token)
	}
	if len(token) != sessionTokenLength {
		return nil, errBadToken
	}
	hash := tokenHash(token)
	v, err := r.store.SessionViewer(ctx, hash)
	var de *konullu.Error
	switch {
	case errors.As(err, &de) && (de.Code == konullu.EUNAUTHENTICATED || de.Code == konullu.ENOTFOUND):
		return nil, errBadToken
	case err != nil:
		return nil, err
	case v == nil || !v.Authenticated():
		return nil, errBadToken
	}
	ctx = konullu.NewContext(ctx, v)
	return context.WithValue(ctx, sessionKey, hash), nil
}

// signedIn returns the viewer, or UNAUTHENTICATED for an anonymous one.
func signedIn(ctx context.Context) (*konullu.Viewer, error) {
	v := konullu.ViewerFrom(ctx)
	if !v.Authenticated() {
		return nil, konullu.ErrUnauthenticated
	}
	return v, nil
}

// requireAdmin: UNAUTHENTICATED when anonymous, FORBIDDEN unless an admin.
func requireAdmin(ctx context.Context) error {
	v, err := signedIn(ctx)
	if err != nil {
		return err
	}
	if !v.IsAdmin() {
		return konullu.ErrForbidden
	}
	return nil
}

// requireCoordinatorOrAdmin: UNAUTHENTICATED when anonymous, FORBIDDEN unless
// the viewer coordinates some centre or is an admin.
func requireCoordinatorOrAdmin(ctx context.Context) error {
	v, err := signedIn(ctx)
	if err != nil {
		return err
	}
	if !v.IsAdmin() && !v.IsCoordinator() {
		return konullu.ErrForbidden
	}
	return nil
}

// requireManager: UNAUTHENTICATED when anonymous, FORBIDDEN unless the viewer
// may manage the centre.
func requireManager(ctx context.Context, centreID int64) error {
	v, err := signedIn(ctx)
	if err != nil {
		return err
	}
	if !v.CanManageCentre(centreID) {
		return konullu.ErrForbidden
	}
	return nil
}

// ownVolunteer returns the viewer's volunteer id: UNAUTHENTICATED when
// anonymous, FORBIDDEN for an account without a volunteer profile.
func ownVolunteer(ctx context.Context) (int64, error) {
	v, err := signedIn(ctx)
	if err != nil {
		return 0, err
	}
	if v.VolunteerID == 0 {
		return 0, &konullu.Error{Code: konullu.EFORBIDDEN, Message: "this account has no volunteer profile"}
	}
	return v.VolunteerID, nil
}
