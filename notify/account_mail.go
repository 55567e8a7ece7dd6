package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	mail "github.com/wneessen/go-mail"

	"github.com/konullu/konullu"
)

// Password-reset email. It is sent at once, not through the outbox: the
// outbox keeps a message's text in the database until it is delivered, and
// a reset link is a secret that is stored only as its hash.

var resetTexts = map[konullu.Language]struct{ title, body string }{
	konullu.LanguageAz: {
		title: "Könüllü: şifrənin bərpası",
		body: "Könüllü hesabınız üçün şifrənin bərpası istənildi. Yeni şifrə təyin etmək üçün bu keçidi açın (30 dəqiqə etibarlıdır, bir dəfə istifadə olunur):\n\n{link}\n\n" +
			"Bunu siz istəməmisinizsə, bu məktubu nəzərə almayın: şifrəniz dəyişməyəcək.",
	},
	konullu.LanguageEn: {
		title: "Könüllü: reset your password",
		body: "Someone asked to reset the password of your Könüllü account. Open this link to choose a new one (valid for 30 minutes, once):\n\n{link}\n\n" +
			"If it was not you, ignore this email: your password stays as it is.",
	},
	konullu.LanguageRu: {
		title: "Könüllü: восстановление пароля",
		body: "Для вашей учётной записи Könüllü запрошено восстановление пароля. Откройте эту ссылку, чтобы задать новый пароль (действует 30 минут, один раз):\n\n{link}\n\n" +
			"Если это были не вы, не обращайте внимания на письмо: пароль останется прежним.",
	},
}

// PasswordResetMessage is the email that carries a password-reset link.
func PasswordResetMessage(lang konullu.Language, link string) Message {
	t, ok := resetTexts[lang]
	if !ok {
		lang = konullu.DefaultLanguage
		t = resetTexts[lang]
	}
	return Message{Language: lang, Title: t.title, Body: strings.ReplaceAll(t.body, "{link}", link)}
}

// SendNow sends one message by email at once, outside the outbox (nothing
// of it is stored). Errors never contain the message's text.
func (s *SMTP) SendNow(ctx context.Context, to konullu.Recipient, msg Message) error {
	if to.Email == "" {
		return errors.New("notify: the recipient has no email address")
	}
	e, err := AsEmail(msg, to)
	if err != nil {
		return err
	}
	em := mail.NewMsg()
	if err := em.From(s.cfg.From); err != nil {
		return fmt.Errorf("notify: sender address: %w", err)
	}
	if err := em.AddToFormat(to.Name, to.Email); err != nil {
		return errors.New("notify: invalid recipient address")
	}
	id := make([]byte, 12)
	rand.Read(id)
	em.Subject(e.Subject)
	em.SetMessageIDWithValue("direct-" + hex.EncodeToString(id) + "@konullu")
	em.SetDate()
	em.SetGenHeader(mail.HeaderContentLang, string(msg.Language))
	em.SetGenHeader("Auto-Submitted", "auto-generated")
	em.SetBodyString(mail.TypeTextPlain, e.Text)
	em.AddAlternativeString(mail.TypeTextHTML, e.HTML)
	sc, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("notify: smtp connect: %w", err)
	}
	defer s.client.CloseWithSMTPClient(sc)
	if err := s.client.SendWithSMTPClient(sc, em); err != nil {
		return fmt.Errorf("notify: smtp send: %w", err)
	}
	return nil
}
