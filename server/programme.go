package main

import (
	"context"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/notify"
	"github.com/konullu/konullu/schema"
)

var _ schema.ProgrammeMailer = resetMailer{}

// SendProgrammeMail sends an email of the youth programme to an applicant
// straight through SMTP: an acceptance carries a set-password link, which
// must not wait in the outbox's table.
func (m resetMailer) SendProgrammeMail(ctx context.Context, to konullu.Recipient, pm konullu.ProgrammeMail) error {
	return m.smtp.SendNow(ctx, to, notify.ProgrammeMessage(to.Language, to.Name, pm))
}
