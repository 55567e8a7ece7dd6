package main

import (
	"context"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/notify"
	"github.com/konullu/konullu/schema"
)

// resetMailer sends password-reset links straight through SMTP (never the
// outbox, whose table would keep the link until delivery).
type resetMailer struct{ smtp *notify.SMTP }

var _ schema.PasswordResetMailer = resetMailer{}

func (m resetMailer) SendPasswordReset(ctx context.Context, to konullu.Recipient, link string) error {
	return m.smtp.SendNow(ctx, to, notify.PasswordResetMessage(to.Language, link))
}

// newResetMailer is the API's mailer of reset links; nil without KONULLU_SMTP_URL.
func newResetMailer(cfg Config) (schema.PasswordResetMailer, error) {
	if cfg.SMTPURL == "" {
		return nil, nil
	}
	sc, err := notify.ParseSMTPURL(cfg.SMTPURL)
	if err != nil {
		return nil, &configError{"KONULLU_SMTP_URL", err.Error()}
	}
	s, err := notify.NewSMTP(sc)
	if err != nil {
		return nil, &configError{"KONULLU_SMTP_URL", err.Error()}
	}
	return resetMailer{s}, nil
}
