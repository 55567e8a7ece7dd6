package notify

import (
	"strings"

	"github.com/konullu/konullu"
)

// Emails of the youth programme's intake, to applicants (who have no
// account yet, so no in-app copy), in the language they applied in. They
// are sent at once (SMTP.SendNow): an acceptance carries a set-password link.

type programmeText struct{ title, body string }

var programmeTexts = map[konullu.Language]map[konullu.ProgrammeMailKind]programmeText{
	konullu.LanguageAz: {
		konullu.MailApplicationReceived: {"Könüllü: müraciətiniz qəbul olundu",
			"«{cohort}» proqramına müraciətiniz qəbul olundu. Müsahibəyə dəvət olunsanız, sizə yazacağıq."},
		konullu.MailApplicationDuplicate: {"Könüllü: bu ünvanla artıq müraciət var",
			"Kimsə (bəlkə də siz) bu e-poçt ünvanı ilə yenidən müraciət etməyə çalışdı. İlk müraciətiniz qüvvədədir; heç nə etməyə ehtiyac yoxdur."},
		konullu.MailInterview: {"Könüllü: müsahibəyə dəvət",
			"«{cohort}» proqramı üzrə sizi müsahibəyə dəvət edirik.\n\nVaxt: {when}\nYer: {place}"},
		konullu.MailAccepted: {"Könüllü: siz qəbul olundunuz!",
			"Təbrik edirik! «{cohort}» proqramına qəbul olundunuz.{note}\n\n{link}"},
		konullu.MailWaitlisted: {"Könüllü: gözləmə siyahısındasınız",
			"«{cohort}» proqramında yerlər hələlik doludur; müraciətiniz gözləmə siyahısındadır. Yer açılsa, sizə yazacağıq.{note}"},
		konullu.MailRejected: {"Könüllü: müraciətinizin nəticəsi",
			"Təəssüf ki, bu dəfə «{cohort}» proqramına qəbul edə bilmədik.{note}\n\nNövbəti qəbulda yenidən müraciət edə bilərsiniz."},
	},
	konullu.LanguageEn: {
		konullu.MailApplicationReceived: {"Könüllü: we received your application",
			"We received your application to “{cohort}”. We will write to you if we invite you to an interview."},
		konullu.MailApplicationDuplicate: {"Könüllü: this address has already applied",
			"Someone (perhaps you) tried to apply again with this email address. Your first application stands; there is nothing to do."},
		konullu.MailInterview: {"Könüllü: invitation to an interview",
			"We invite you to an interview for “{cohort}”.\n\nWhen: {when}\nWhere: {place}"},
		konullu.MailAccepted: {"Könüllü: you are accepted!",
			"Congratulations! You are accepted into “{cohort}”.{note}\n\n{link}"},
		konullu.MailWaitlisted: {"Könüllü: you are on the waitlist",
			"The places of “{cohort}” are taken for now; your application is on the waitlist. We will write if a place opens.{note}"},
		konullu.MailRejected: {"Könüllü: about your application",
			"We are sorry: we could not accept you into “{cohort}” this time.{note}\n\nYou are welcome to apply to a later intake."},
	},
	konullu.LanguageRu: {
		konullu.MailApplicationReceived: {"Könüllü: заявка получена",
			"Мы получили вашу заявку в программу «{cohort}». Если пригласим вас на собеседование, мы вам напишем."},
		konullu.MailApplicationDuplicate: {"Könüllü: с этого адреса уже подана заявка",
			"Кто-то (возможно, вы) попытался снова подать заявку с этим адресом. Ваша первая заявка в силе; ничего делать не нужно."},
		konullu.MailInterview: {"Könüllü: приглашение на собеседование",
			"Приглашаем вас на собеседование по программе «{cohort}».\n\nКогда: {when}\nГде: {place}"},
		konullu.MailAccepted: {"Könüllü: вы приняты!",
			"Поздравляем! Вы приняты в программу «{cohort}».{note}\n\n{link}"},
		konullu.MailWaitlisted: {"Könüllü: вы в листе ожидания",
			"Места в программе «{cohort}» пока заняты; ваша заявка в листе ожидания. Если место освободится, мы напишем.{note}"},
		konullu.MailRejected: {"Könüllü: о вашей заявке",
			"К сожалению, в этот раз мы не можем принять вас в программу «{cohort}».{note}\n\nВы можете подать заявку в следующий набор."},
	},
}

var programmeLines = map[konullu.Language]struct{ note, setPassword, signIn string }{
	konullu.LanguageAz: {"Qeyd: ", "Hesabınız hazırdır. Şifrə təyin etmək üçün bu keçidi açın (7 gün etibarlıdır, bir dəfə istifadə olunur):\n{url}",
		"Könüllü hesabınız aktivdir. Daxil olun:\n{url}"},
	konullu.LanguageEn: {"Note: ", "Your account is ready. Open this link to set your password (valid for 7 days, once):\n{url}",
		"Your Könüllü account is active. Sign in:\n{url}"},
	konullu.LanguageRu: {"Примечание: ", "Ваша учётная запись готова. Откройте ссылку, чтобы задать пароль (действует 7 дней, один раз):\n{url}",
		"Ваша учётная запись Könüllü активна. Войдите:\n{url}"},
}

// ProgrammeMessage writes an email to an applicant (name) in their
// language (az when unknown).
func ProgrammeMessage(lang konullu.Language, name string, m konullu.ProgrammeMail) Message {
	texts, ok := programmeTexts[lang]
	if !ok {
		lang = konullu.DefaultLanguage
		texts = programmeTexts[lang]
	}
	t := texts[m.Kind]
	lines := programmeLines[lang]
	note := ""
	if m.Note != "" {
		note = "\n\n" + lines.note + m.Note
	}
	link := ""
	if m.Link != "" {
		link = lines.signIn
		if m.SetPassword {
			link = lines.setPassword
		}
		link = strings.ReplaceAll(link, "{url}", m.Link)
	}
	when := ""
	if m.At != nil {
		zone := m.Zone
		if zone == "" {
			zone = konullu.DefaultTimezone
		}
		when = catalogFor(lang).when(*m.At, zone)
	}
	body := strings.NewReplacer("{name}", name, "{cohort}", m.Cohort, "{when}", when, "{place}", m.Place, "{note}", note, "{link}", link).Replace(t.body)
	return Message{Language: lang, Title: t.title, Body: body}
}
