package konullu

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Check-in that proves presence (issue 14). A centre's kiosk, a tablet at
// the door, shows a code that changes every CodeWindow; a volunteer who
// types or scans it is at the door. A volunteer's own phone shows a
// personal code a coordinator scans. Both are HMAC-SHA256 of what they
// stand for and the window, under a key that never leaves the server, so
// nothing needs storing for a kiosk code, and a code cannot be made
// without the key.

// PresenceProof says how a volunteer's presence was proven.
type PresenceProof string

// Presence proofs.
const (
	PresenceKiosk       PresenceProof = "KIOSK"       // scanned or typed the kiosk's code
	PresenceCoordinator PresenceProof = "COORDINATOR" // a coordinator checked them in (by personal code or at the desk)
	PresenceSelf        PresenceProof = "SELF"        // checked themselves in, where the centre allows it
	PresenceRecorded    PresenceProof = "RECORDED"    // attendance recorded afterwards by a coordinator
)

// Error codes of check-in by code.
const (
	// ECODEEXPIRED: a code older than the windows accepted, or a personal
	// code already used.
	ECODEEXPIRED = "CODE_EXPIRED"
	// EWRONGCENTRE: a current code of a centre where the volunteer holds no
	// place open for check-in (or, scanned by a coordinator, a volunteer
	// whose open place is at a centre the coordinator does not run).
	EWRONGCENTRE = "WRONG_CENTRE"
	// ESELFCHECKINOFF: the centre checks volunteers in at its kiosk or desk
	// only.
	ESELFCHECKINOFF = "SELF_CHECK_IN_OFF"
)

const (
	// CodeWindow is how long one check-in code is shown.
	CodeWindow = 30 * time.Second
	// CodeAcceptedWindows is how many windows a code is accepted in: the
	// current one and the previous (scan latency, clocks a little apart).
	CodeAcceptedWindows = 2
	// CodeRecognisedWindows is how far back an old code is still told
	// apart from a wrong one (answered CODE_EXPIRED, not INVALID_INPUT).
	CodeRecognisedWindows = 40 // 20 minutes
	// KioskCodeDigits is the length of a kiosk code: short enough to type.
	KioskCodeDigits = 6
	// personalCodeDigits is the length of the HMAC part of a personal code.
	personalCodeDigits = 8
	// KioskTokenPrefix starts every kiosk token, so that the API tells
	// them from session tokens without a database read.
	KioskTokenPrefix = "kiosk_"
	// MaxKioskName bounds a kiosk's name.
	MaxKioskName = 100
)

// CodeWindowAt is the number of the window t falls in.
func CodeWindowAt(t time.Time) int64 { return t.Unix() / int64(CodeWindow/time.Second) }

// CodeWindowEnd is when window w ends (the next code shows).
func CodeWindowEnd(w int64) time.Time {
	return time.Unix((w+1)*int64(CodeWindow/time.Second), 0).UTC()
}

// codeDigits is the HMAC of msg as n decimal digits (RFC 4226's dynamic
// truncation, as TOTP apps do).
func codeDigits(secret []byte, msg string, n int) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(msg))
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for i := 0; i < n; i++ {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", n, v%mod)
}

// KioskCode is the code a centre's kiosks show in window w.
func KioskCode(secret []byte, centreID, w int64) string {
	return codeDigits(secret, "kiosk|"+strconv.FormatInt(centreID, 10)+"|"+strconv.FormatInt(w, 10), KioskCodeDigits)
}

// PersonalCode is a volunteer's own code in window w: their id, a dash and
// eight digits (a coordinator scans it; the id says whose it is).
func PersonalCode(secret []byte, volunteerID, w int64) string {
	id := strconv.FormatInt(volunteerID, 10)
	return id + "-" + codeDigits(secret, "volunteer|"+id+"|"+strconv.FormatInt(w, 10), personalCodeDigits)
}

// NormaliseKioskCode returns the digits of a typed kiosk code (spaces and
// dashes dropped); INVALID_INPUT naming field when it is not one.
func NormaliseKioskCode(field, code string) (string, error) {
	var b strings.Builder
	for _, r := range code {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '\t':
		default:
			return "", Invalid(field, "a check-in code is %d digits", KioskCodeDigits)
		}
	}
	if b.Len() != KioskCodeDigits {
		return "", Invalid(field, "a check-in code is %d digits", KioskCodeDigits)
	}
	return b.String(), nil
}

// ParsePersonalCode splits a personal code into the volunteer's id and the
// code as PersonalCode writes it; INVALID_INPUT naming field when it is not one.
func ParsePersonalCode(field, code string) (volunteerID int64, canonical string, err error) {
	code = strings.TrimSpace(code)
	id, digits, ok := strings.Cut(code, "-")
	n, perr := strconv.ParseInt(id, 10, 64)
	if !ok || perr != nil || n <= 0 || strconv.FormatInt(n, 10) != id || len(digits) != personalCodeDigits {
		return 0, "", Invalid(field, "not a volunteer's check-in code")
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, "", Invalid(field, "not a volunteer's check-in code")
		}
	}
	return n, code, nil
}

// MatchCode finds the window, among the CodeRecognisedWindows up to now's,
// in which gen(w) equals code; age is how many windows before now's (0:
// current), ok false when none.
func MatchCode(code string, now time.Time, gen func(w int64) string) (w int64, age int, ok bool) {
	cur := CodeWindowAt(now)
	for age = 0; age < CodeRecognisedWindows; age++ {
		w = cur - int64(age)
		if hmac.Equal([]byte(gen(w)), []byte(code)) {
			return w, age, true
		}
	}
	return 0, 0, false
}

// Kiosk is a tablet at a centre's door that shows check-in codes.
type Kiosk struct {
	ID        int64
	CentreID  int64
	Name      string
	CreatedBy int64
	CreatedAt time.Time
	RevokedAt *time.Time
}

// CheckIn asks PresenceStore.CheckInWithProof to check an assignment in.
type CheckIn struct {
	AssignmentID int64
	Proof        PresenceProof
	// SelfCheckInOnly refuses (SELF_CHECK_IN_OFF) when the shift's centre
	// does not allow volunteers to check themselves in.
	SelfCheckInOnly bool
	// UsedWindow, when not zero, consumes the volunteer's personal code of
	// that window in the same transaction; CODE_EXPIRED when it was used.
	UsedWindow int64
	// Again returns an assignment already CHECKED_IN unchanged instead of
	// refusing it (a kiosk code scanned twice).
	Again bool
}

// PresenceStore keeps kiosks, the centres' self check-in setting and the
// proof of each check-in. Errors follow Store.
type PresenceStore interface {
	CreateKiosk(ctx context.Context, k *Kiosk, tokenHash []byte) error
	// KioskByTokenHash returns the kiosk of a token; UNAUTHENTICATED when
	// unknown or revoked.
	KioskByTokenHash(ctx context.Context, tokenHash []byte) (*Kiosk, error)
	Kiosk(ctx context.Context, id int64) (*Kiosk, error)
	KiosksOfCentres(ctx context.Context, centreIDs []int64) (map[int64][]*Kiosk, error)
	// RevokeKiosk revokes a kiosk (again: keeps the first time).
	RevokeKiosk(ctx context.Context, id int64) (*Kiosk, error)
	// KioskCentres are the centres with a kiosk not revoked.
	KioskCentres(ctx context.Context) ([]int64, error)
	// SelfCheckIn says for each centre whether volunteers may check
	// themselves in: the centre's setting, or by default true until it has
	// a kiosk.
	SelfCheckIn(ctx context.Context, centreIDs []int64) (map[int64]bool, error)
	SetSelfCheckIn(ctx context.Context, centreID int64, allowed bool) error
	// CheckInWithProof is Store.CheckIn recording the proof.
	CheckInWithProof(ctx context.Context, c CheckIn) (*Assignment, error)
	// ServerSecret returns the secret of the name, making and keeping size
	// random bytes the first time any instance asks.
	ServerSecret(ctx context.Context, name string, size int) ([]byte, error)
}
