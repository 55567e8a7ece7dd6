package schema

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// Account controls (account_controls.graphql): change password, reset it by
// email, log out everywhere; admins suspend, reactivate and revoke roles.
// Every decision is read from the database on the next request (the session
// lookup joins suspension, roles and centres), so it holds on every
// instance at once with no cache to invalidate.

// Rules of the account controls, named as in KONULLU_RATE_LIMITS.
const (
	// RuleLoginAccountAddress counts failed sign-ins of one account from
	// one address (key: LoginPairKey); a success clears it.
	RuleLoginAccountAddress = "login-account-ip"
	RuleResetAccount        = "reset"    // key: the email a reset is asked for
	RuleResetAddress        = "reset-ip" // key: the client's address
)

// LoginPairKey is the key of RuleLoginAccountAddress: the email and the
// client's address, joined by "|" (which no address contains).
func LoginPairKey(email, address string) string { return email + "|" + address }

// LimitResetter is a RateLimiter that can forget a key's events (a
// successful sign-in clears the failures of its account and address).
type LimitResetter interface {
	Reset(ctx context.Context, rule, key string)
}

// PasswordResetMailer sends a password-reset link by email, at once: the
// link is a secret, so it never waits in the outbox's table.
type PasswordResetMailer interface {
	SendPasswordReset(ctx context.Context, to konullu.Recipient, link string) error
}

// accountDeps are the root's dependencies for the account controls.
type accountDeps struct {
	accounts konullu.AccountStore
	mailer   PasswordResetMailer
	// background runs the work of password-reset requests after the
	// answer, so that the answer takes as long whether or not the email
	// has an account; slots bounds how much of it runs at once.
	background *sync.WaitGroup
	slots      chan struct{}
}

func (c Config) accountDeps() accountDeps {
	d := accountDeps{accounts: c.Accounts, mailer: c.Mailer, background: &sync.WaitGroup{}, slots: make(chan struct{}, 4)}
	if d.accounts == nil {
		d.accounts, _ = c.Store.(konullu.AccountStore)
	}
	return d
}

// Wait waits for the password-reset emails being sent (graceful shutdown, tests).
func (h *handler) Wait() { h.root.background.Wait() }

var errNoAccounts = &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "account controls are not kept by this server"}

func (r *root) resetLimit(ctx context.Context, rule, key string) {
	if rs, ok := r.limiter.(LimitResetter); ok {
		rs.Reset(ctx, rule, key)
	}
}

// limitPasswordGuess limits a try of an account's password, at login or
// wherever a password is confirmed: first per account and address (so
// refused tries from one place never use up the account's budget), then
// per account from anywhere. It returns the pair's key, for resetLimit on
// success.
func (r *root) limitPasswordGuess(ctx context.Context, email string) (string, error) {
	pair := LoginPairKey(strings.ToLower(strings.TrimSpace(email)), clientAddress(ctx))
	if err := r.limit(ctx, RuleLoginAccountAddress, pair); err != nil {
		return "", err
	}
	if err := r.limit(ctx, RuleLoginAccount, strings.ToLower(strings.TrimSpace(email))); err != nil {
		return "", err
	}
	return pair, nil
}

var errSuspendedLogin = &konullu.Error{Code: konullu.EFORBIDDEN, Message: "this account is suspended; an administrator can reactivate it"}

// Suspended resolves User.suspended.
func (u *userResolver) Suspended() bool { return u.u.Suspended() }

// SuspendedAt resolves User.suspendedAt.
func (u *userResolver) SuspendedAt() *dateTime {
	if !u.u.Suspended() {
		return nil
	}
	return &dateTime{u.u.SuspendedAt}
}

// SuspendedReason resolves User.suspendedReason.
func (u *userResolver) SuspendedReason() *string {
	if !u.u.Suspended() {
		return nil
	}
	return &u.u.SuspendedReason
}

// ChangePassword resolves Mutation.changePassword.
func (r *root) ChangePassword(ctx context.Context, args struct{ Current, New string }) (bool, error) {
	// AUTHZ: one changes only one's own password, proving the current one.
	v, err := signedIn(ctx)
	if err != nil {
		return false, err
	}
	if r.accounts == nil {
		return false, errNoAccounts
	}
	if err := konullu.ValidatePassword("new", args.New); err != nil {
		return false, err
	}
	if args.New == args.Current {
		return false, konullu.Invalid("new", "the new password must differ from the current one")
	}
	u, ok, err := loadersFrom(ctx).users.Get(ctx, v.UserID)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, fmt.Errorf("change password: user %d vanished", v.UserID)
	}
	pair, err := r.limitPasswordGuess(ctx, u.Email)
	if err != nil {
		return false, err
	}
	wrong := &konullu.Error{Code: konullu.EFORBIDDEN, Message: "the current password is not right", Field: "current"}
	if len(args.Current) > 1024 {
		return false, wrong
	}
	hash, err := r.accounts.PasswordHash(ctx, v.UserID)
	if err != nil {
		return false, err
	}
	if !konullu.CheckPassword(args.Current, hash) {
		return false, wrong
	}
	newHash, err := konullu.HashPassword(args.New, r.argon2)
	if err != nil {
		return false, fmt.Errorf("hash password: %w", err)
	}
	if err := r.accounts.SetPassword(ctx, v.UserID, newHash, sessionFrom(ctx)); err != nil {
		return false, err
	}
	r.publishAccountChange(ctx, v.UserID) // the other sessions ended
	r.resetLimit(ctx, RuleLoginAccountAddress, pair)
	return true, nil
}

// LogoutEverywhere resolves Mutation.logoutEverywhere.
func (r *root) LogoutEverywhere(ctx context.Context) (bool, error) {
	// AUTHZ: one ends only one's own sessions.
	v, err := signedIn(ctx)
	if err != nil {
		return false, err
	}
	if r.accounts == nil {
		return false, errNoAccounts
	}
	if _, err := r.accounts.EndSessions(ctx, v.UserID, nil); err != nil {
		return false, err
	}
	r.publishAccountChange(ctx, v.UserID)
	return true, nil
}

// RequestPasswordReset resolves Mutation.requestPasswordReset. The answer is
// true and takes the same time whatever the email: looking the account up,
// storing the token and sending the email happen after it.
func (r *root) RequestPasswordReset(ctx context.Context, args struct {
	Email    string
	Language *string
}) (bool, error) {
	if err := r.limit(ctx, RuleResetAddress, clientAddress(ctx)); err != nil {
		return false, err
	}
	email, err := konullu.NormalizeEmail("email", args.Email)
	if err != nil {
		return false, err
	}
	if err := r.limit(ctx, RuleResetAccount, strings.ToLower(email)); err != nil {
		return false, err
	}
	var lang konullu.Language
	if args.Language != nil {
		if lang, err = konullu.ParseLanguage("language", *args.Language); err != nil {
			return false, err
		}
	}
	if r.accounts == nil {
		return true, nil
	}
	base, ok := r.resetLinkBase(ctx)
	if !ok {
		r.log.WarnContext(ctx, "password reset: no link sent: set KONULLU_PUBLIC_URL (the request's Host is not a loopback address, and links are never built from a client's Host)",
			"request_id", RequestID(ctx))
		return true, nil
	}
	if r.mailer == nil {
		r.log.WarnContext(ctx, "password reset: no link sent: email is not configured (KONULLU_SMTP_URL)", "request_id", RequestID(ctx))
		return true, nil
	}
	bg := context.WithoutCancel(ctx)
	r.background.Add(1)
	go func() {
		defer r.background.Done()
		r.slots <- struct{}{}
		defer func() { <-r.slots }()
		bctx, cancel := context.WithTimeout(bg, time.Minute)
		defer cancel()
		if err := r.sendPasswordReset(bctx, email, lang, base); err != nil {
			r.log.ErrorContext(bctx, "password reset: not sent", "request_id", RequestID(bctx), "error", err.Error())
		}
	}()
	return true, nil
}

// sendPasswordReset makes a reset token for the account of the email, if
// there is one that is not suspended, and mails its link.
func (r *root) sendPasswordReset(ctx context.Context, email string, lang konullu.Language, base string) error {
	userID, _, err := r.store.Credentials(ctx, email)
	var de *konullu.Error
	if errors.As(err, &de) && de.Code == konullu.ENOTFOUND {
		return nil // nobody to tell; the client was told the same
	}
	if err != nil {
		return err
	}
	users, err := r.store.UsersByIDs(ctx, []int64{userID})
	if err != nil {
		return err
	}
	u := users[userID]
	if u == nil || u.Suspended() {
		return nil
	}
	to := konullu.Recipient{UserID: u.ID, VolunteerID: u.VolunteerID, Email: u.Email, Language: lang}
	if u.VolunteerID != 0 {
		vols, err := r.store.VolunteersByIDs(ctx, []int64{u.VolunteerID})
		if err != nil {
			return err
		}
		if v := vols[u.VolunteerID]; v != nil {
			to.Name = v.FullName
		}
	}
	if to.Language == "" {
		to.Language = konullu.DefaultLanguage
		if r.notes != nil {
			if s, err := r.notes.NotificationSettings(ctx, []int64{u.ID}); err == nil {
				if l := s[u.ID].Language; l != "" {
					to.Language = l
				}
			}
		}
	}
	token, err := newSessionToken()
	if err != nil {
		return fmt.Errorf("reset token: %w", err)
	}
	if err := r.accounts.CreatePasswordReset(ctx, u.ID, tokenHash(token), r.now().Add(konullu.PasswordResetTTL)); err != nil {
		return err
	}
	// The token travels in the fragment: browsers never send it to a
	// server, so it reaches no access log and no Referer.
	if err := r.mailer.SendPasswordReset(ctx, to, base+"/reset-password#token="+token); err != nil {
		return err
	}
	r.log.InfoContext(ctx, "password reset: link sent", "request_id", RequestID(ctx), "user_id", u.ID)
	return nil
}

// resetLinkBase is where reset links point: KONULLU_PUBLIC_URL, or without
// it the request's own Host only when that is a loopback address (a
// developer's machine). A link is never built from any other Host header: an
// attacker could send a victim's reset with a Host of their own choosing
// and collect the token from the link (Host header poisoning).
func (r *root) resetLinkBase(ctx context.Context) (string, bool) {
	if r.publicURL != "" {
		return r.publicURL, true
	}
	h, _ := ctx.Value(requestHostKey).(requestHost)
	host := h.host
	if name, _, err := net.SplitHostPort(host); err == nil {
		host = name
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	ip := net.ParseIP(host)
	if !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		return "", false
	}
	scheme := "http"
	if h.tls {
		scheme = "https"
	}
	return scheme + "://" + h.host, true
}

// requestHost is the Host header of the request and whether it came over TLS.
type requestHost struct {
	host string
	tls  bool
}

// INVALID_INPUT, not UNAUTHENTICATED: the request may carry a session of
// its own, which a client would take as ended.
var errResetToken = &konullu.Error{Code: konullu.EINVALID, Message: "this reset link is invalid, used or expired; ask for a new one", Field: "token"}

// ResetPassword resolves Mutation.resetPassword.
func (r *root) ResetPassword(ctx context.Context, args struct{ Token, Password string }) (*authPayloadResolver, error) {
	// Tokens are 256 random bits: guessing is hopeless, but each try costs
	// a password hash, so tries count against the address like sign-ins.
	if err := r.limit(ctx, RuleLoginAddress, clientAddress(ctx)); err != nil {
		return nil, err
	}
	if r.accounts == nil {
		return nil, errNoAccounts
	}
	if len(args.Token) != sessionTokenLength {
		return nil, errResetToken
	}
	if err := konullu.ValidatePassword("password", args.Password); err != nil {
		return nil, err
	}
	hash, err := konullu.HashPassword(args.Password, r.argon2)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	u, err := r.accounts.ResetPassword(ctx, tokenHash(args.Token), hash, r.now())
	var de *konullu.Error
	if errors.As(err, &de) && de.Code == konullu.EUNAUTHENTICATED {
		return nil, errResetToken
	}
	if err != nil {
		return nil, err
	}
	r.resetLimit(ctx, RuleLoginAccountAddress, LoginPairKey(strings.ToLower(u.Email), clientAddress(ctx)))
	return r.signIn(ctx, u)
}

// SuspendUser resolves Mutation.suspendUser.
func (r *root) SuspendUser(ctx context.Context, args struct {
	UserID graphql.ID
	Reason string
}) (*userResolver, error) {
	// AUTHZ: only admins suspend accounts.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if r.accounts == nil {
		return nil, errNoAccounts
	}
	id, err := parseID("userId", kindUser, args.UserID)
	if err != nil {
		return nil, err
	}
	reason, err := konullu.CleanText("reason", args.Reason, true, konullu.MaxSuspensionReason)
	if err != nil {
		return nil, err
	}
	u, err := r.accounts.SuspendUser(ctx, id, reason)
	if err != nil {
		return nil, err
	}
	return r.changedUser(ctx, u), nil
}

// ReactivateUser resolves Mutation.reactivateUser.
func (r *root) ReactivateUser(ctx context.Context, args struct{ UserID graphql.ID }) (*userResolver, error) {
	// AUTHZ: only admins reactivate accounts.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if r.accounts == nil {
		return nil, errNoAccounts
	}
	id, err := parseID("userId", kindUser, args.UserID)
	if err != nil {
		return nil, err
	}
	u, err := r.accounts.ReactivateUser(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.changedUser(ctx, u), nil
}

// RevokeRole resolves Mutation.revokeRole.
func (r *root) RevokeRole(ctx context.Context, args struct {
	UserID    graphql.ID
	Role      string
	CentreIDs *[]graphql.ID
}) (*userResolver, error) {
	// AUTHZ: only admins revoke roles.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if r.accounts == nil {
		return nil, errNoAccounts
	}
	id, err := parseID("userId", kindUser, args.UserID)
	if err != nil {
		return nil, err
	}
	centreIDs, err := parseIDs("centreIds", kindCentre, deref(args.CentreIDs))
	if err != nil {
		return nil, err
	}
	u, err := r.accounts.RevokeRole(ctx, id, konullu.Role(args.Role), centreIDs)
	if err != nil {
		return nil, err
	}
	return r.changedUser(ctx, u), nil
}

// changedUser is the answer of a mutation that changed a user: the
// request's loaders forget what they read before it.
func (r *root) changedUser(ctx context.Context, u *konullu.User) *userResolver {
	l := loadersFrom(ctx)
	l.reset()
	l.users.Set(u.ID, u)
	r.publishAccountChange(ctx, u.ID)
	return &userResolver{r.scope(), u}
}

// Users resolves Query.users.
func (r *root) Users(ctx context.Context, args struct {
	Search    *string
	Suspended *bool
	Role      *string
	First     *int32
}) ([]*userResolver, error) {
	// AUTHZ: only admins list accounts.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if r.accounts == nil {
		return nil, errNoAccounts
	}
	f := konullu.UserFilter{Limit: defaultPageSize, Suspended: args.Suspended}
	if args.Role != nil {
		f.Role = konullu.Role(*args.Role)
	}
	if args.First != nil {
		if *args.First < 1 || *args.First > maxPageSize {
			return nil, konullu.Invalid("first", "must be between 1 and %d", maxPageSize)
		}
		f.Limit = int(*args.First)
	}
	if args.Search != nil {
		s, err := konullu.CleanText("search", *args.Search, false, 100)
		if err != nil {
			return nil, err
		}
		f.Search = s
	}
	list, err := r.accounts.FindUsers(ctx, f)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	out := make([]*userResolver, len(list))
	for i, u := range list {
		l.users.Set(u.ID, u)
		out[i] = &userResolver{r.scope(), u}
	}
	return out, nil
}
