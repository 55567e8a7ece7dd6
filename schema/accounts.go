package schema

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/konullu/konullu"
)

// errWrongLogin is the one answer to every failed login, so that it never
// tells whether the email has an account.
var errWrongLogin = &konullu.Error{Code: konullu.EUNAUTHENTICATED, Message: "wrong email or password"}

// oldestBirthDate bounds birth dates from below; anything earlier is a typo.
var oldestBirthDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// authPayloadResolver resolves AuthPayload.
type authPayloadResolver struct {
	token string
	user  *userResolver
}

func (p *authPayloadResolver) Token() string       { return p.token }
func (p *authPayloadResolver) User() *userResolver { return p.user }

type registerInput struct {
	Email     string
	Password  string
	FullName  string
	BirthDate date
	Phone     *string
	City      *string
}

// Register resolves Mutation.register: a volunteer account, signed in.
func (r *root) Register(ctx context.Context, args struct{ Input registerInput }) (*authPayloadResolver, error) {
	if err := r.limit(ctx, RuleRegisterAddress, clientAddress(ctx)); err != nil {
		return nil, err
	}
	in := args.Input
	email, err := konullu.NormalizeEmail("email", in.Email)
	if err != nil {
		return nil, err
	}
	if err := konullu.ValidatePassword("password", in.Password); err != nil {
		return nil, err
	}
	name, err := konullu.CleanText("fullName", in.FullName, true, maxName)
	if err != nil {
		return nil, err
	}
	y, m, d := r.now().UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if !in.BirthDate.Before(today) || in.BirthDate.Before(oldestBirthDate) {
		return nil, konullu.Invalid("birthDate", "must be a date in the past, from 1900 on")
	}
	phone, err := cleanPhone(deref(in.Phone))
	if err != nil {
		return nil, err
	}
	city, err := konullu.CleanText("city", deref(in.City), false, maxCity)
	if err != nil {
		return nil, err
	}
	hash, err := konullu.HashPassword(in.Password, r.argon2)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	status := konullu.VolunteerActive
	if r.rules.RequireApproval {
		status = konullu.VolunteerPending
	}
	u, err := r.store.CreateAccount(ctx, konullu.NewAccount{
		Email:        email,
		PasswordHash: hash,
		FullName:     name,
		BirthDate:    in.BirthDate.Time,
		Phone:        phone,
		City:         city,
		Status:       status,
	})
	if err != nil {
		return nil, err
	}
	return r.signIn(ctx, u)
}

// Login resolves Mutation.login.
func (r *root) Login(ctx context.Context, args struct{ Email, Password string }) (*authPayloadResolver, error) {
	// Every failure costs one password check, so that timing does not tell
	// an unknown email from a wrong password either.
	fail := func() (*authPayloadResolver, error) {
		konullu.CheckPassword(args.Password, r.dummyHash)
		return nil, errWrongLogin
	}
	if len(args.Password) > 1024 {
		return nil, errWrongLogin // no account has such a password; do not hash megabytes
	}
	// Guessing passwords is limited per address, per account and address,
	// and per account, across instances (limitPasswordGuess).
	if err := r.limit(ctx, RuleLoginAddress, clientAddress(ctx)); err != nil {
		return nil, err
	}
	pair, err := r.limitPasswordGuess(ctx, args.Email)
	if err != nil {
		return nil, err
	}
	email, err := konullu.NormalizeEmail("email", args.Email)
	if err != nil {
		return fail()
	}
	userID, hash, err := r.store.Credentials(ctx, email)
	var de *konullu.Error
	switch {
	case errors.As(err, &de) && de.Code == konullu.ENOTFOUND:
		return fail()
	case err != nil:
		return nil, err
	case hash == "":
		return fail() // an account that cannot sign in yet (demo data, imports)
	}
	if !konullu.CheckPassword(args.Password, hash) {
		return nil, errWrongLogin
	}
	r.resetLimit(ctx, RuleLoginAccountAddress, pair)
	u, ok, err := loadersFrom(ctx).users.Get(ctx, userID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("login: user %d vanished", userID)
	}
	if u.Suspended() {
		return nil, errSuspendedLogin // told only to whoever knows the password
	}
	return r.signIn(ctx, u)
}

// signIn opens a session for the user.
func (r *root) signIn(ctx context.Context, u *konullu.User) (*authPayloadResolver, error) {
	token, err := newSessionToken()
	if err != nil {
		return nil, fmt.Errorf("session token: %w", err)
	}
	if err := r.store.CreateSession(ctx, u.ID, tokenHash(token), r.now().Add(r.ttl)); err != nil {
		return nil, err
	}
	auditActor(ctx, u.ID)
	l := loadersFrom(ctx)
	l.reset()
	l.users.Set(u.ID, u)
	// The request is still anonymous; the payload shows the user what they
	// will see once signed in.
	return &authPayloadResolver{token: token, user: &userResolver{scope{r: r, as: viewerOf(u)}, u}}, nil
}

// Logout resolves Mutation.logout: it revokes the request's session.
func (r *root) Logout(ctx context.Context) (bool, error) {
	hash := sessionFrom(ctx)
	if hash == nil {
		return false, konullu.ErrUnauthenticated
	}
	if err := r.store.DeleteSession(ctx, hash); err != nil {
		return false, err
	}
	r.publishAccountChange(ctx, konullu.ViewerFrom(ctx).UserID)
	return true, nil
}
