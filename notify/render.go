package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/konullu/konullu"
)

// Message is a notification written out in the recipient's language.
type Message struct {
	Language konullu.Language
	Title    string // the in-app title and the email subject
	Body     string // plain text, paragraphs separated by blank lines
}

// catalog holds the words of one language. Placeholders in braces are
// replaced by Render; everything a translator touches is here.
type catalog struct {
	weekdays [7]string  // Sunday first, as time.Weekday
	months   [12]string // in the genitive where the language needs it ("4 марта")
	dateTime string     // {weekday} {day} {month} {year}, {time}
	hours    func(n int) string
	minutes  func(n int) string
	greeting string
	unnamed  string
	footer   string
	titles   map[konullu.NotificationKind]string
	bodies   map[konullu.NotificationKind]string
	// Variants and lines that depend on the payload.
	assignedWaitlisted, reasonLine, digestShift, digestNone, staffLines string
	// Place swaps, messages and attendance confirmation.
	offerExpiredCoordTitle, offerExpiredCoord, confirmLine, messageFooter string
}

var catalogs = map[konullu.Language]*catalog{
	konullu.LanguageAz: {
		weekdays: [7]string{"bazar", "bazar ertəsi", "çərşənbə axşamı", "çərşənbə", "cümə axşamı", "cümə", "şənbə"},
		months:   [12]string{"yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avqust", "sentyabr", "oktyabr", "noyabr", "dekabr"},
		dateTime: "{day} {month} {year}, {weekday}, saat {time}",
		hours:    func(n int) string { return strconv.Itoa(n) + " saat" },
		minutes:  func(n int) string { return strconv.Itoa(n) + " dəqiqə" },
		greeting: "Salam, {name}!",
		unnamed:  "könüllü",
		footer:   "Könüllü — ASAN könüllüləri üçün növbə platforması. Bildiriş seçimlərinizi profilinizdə dəyişə bilərsiniz.",
		titles: map[konullu.NotificationKind]string{
			konullu.NotifySignupConfirmed:   "Növbəniz təsdiqləndi",
			konullu.NotifyPromoted:          "Gözləmə siyahısından növbəyə keçdiniz",
			konullu.NotifyAssigned:          "Koordinator sizi növbəyə təyin etdi",
			konullu.NotifyShiftCancelled:    "Mərkəz növbəni ləğv etdi",
			konullu.NotifyShiftChanged:      "Növbədə dəyişiklik",
			konullu.NotifySeriesChanged:     "Həftəlik növbələrinizdə dəyişiklik",
			konullu.NotifySeriesCancelled:   "Həftəlik növbələr ləğv edildi",
			konullu.NotifyReminder:          "Xatırlatma: növbəniz {lead} sonra başlayır",
			konullu.NotifyAward:             "Təbriklər! {threshold} saat könüllülük",
			konullu.NotifyDigestCoordinator: "Həftəlik xülasə: {count} növbədə yer var",
			konullu.NotifyDigestStaff:       "Həftəlik iştirak xülasəsi",
			konullu.NotifyRosterProposed:    "Növbə planı hazırdır: {proposals} təklif",
			konullu.NotifyPlaceOffered:      "Növbədə yer təklif olunur",
			konullu.NotifyPlaceTaken:        "Yerinizi başqa könüllü götürdü",
			konullu.NotifyOfferExpired:      "Yerinizi heç kim götürmədi",
		},
		bodies: map[konullu.NotificationKind]string{
			konullu.NotifySignupConfirmed:   "{position} növbəsində yeriniz təsdiqləndi: {centre}, {when}. Sizi gözləyirik!",
			konullu.NotifyPromoted:          "Yer boşaldı və siz gözləmə siyahısından {position} növbəsinə keçdiniz: {centre}, {when}.",
			konullu.NotifyAssigned:          "Koordinator sizi {position} növbəsinə təyin etdi: {centre}, {when}.",
			konullu.NotifyShiftCancelled:    "Mərkəz {position} növbəsini ləğv etdi: {centre}, {when}. Bu, sizin imtinanız sayılmır.",
			konullu.NotifyShiftChanged:      "{position} növbəsində dəyişiklik var: {centre}, {when}.",
			konullu.NotifySeriesChanged:     "{centre}: həftəlik {position} növbələri {when} tarixindən etibarən dəyişdi ({seriesShifts} növbəniz). Yeni vaxtlara tətbiqdə baxın.",
			konullu.NotifySeriesCancelled:   "{centre}: həftəlik {position} növbələri {when} tarixindən etibarən ləğv edildi ({seriesShifts} növbəniz).",
			konullu.NotifyReminder:          "{position} növbəniz {lead} sonra başlayır: {centre}, {when}. Girişdə qeydiyyatdan keçməyi unutmayın.",
			konullu.NotifyAward:             "Son 12 ayda {hours} könüllü olmusunuz və {threshold} saatlıq mükafata layiq görüldünüz. Təşəkkür edirik!",
			konullu.NotifyDigestCoordinator: "{week} həftəsində bu növbələrdə hələ yer var:",
			konullu.NotifyDigestStaff:       "Keçən həftənin ({from} – {to}) iştirakı:",
			konullu.NotifyRosterProposed:    "{week} həftəsində {open} boş yer var; avtomatik plan onlardan {proposals} yer üçün könüllü təklif edir. Təqvimdə həmin həftəni açıb plana baxın, sonra tətbiq edin və ya imtina edin.",
			konullu.NotifyPlaceOffered:      "Bir könüllü gələ bilmir və {position} növbəsindəki yerini təklif edir: {centre}, {when}. Yeri ilk götürən alır — tətbiqdə «Təklif olunan yerlər» bölməsinə baxın.",
			konullu.NotifyPlaceTaken:        "{position} növbəsindəki yerinizi başqa könüllü götürdü: {centre}, {when}. Siz bu növbədən azad olundunuz. Xəbər verdiyiniz üçün təşəkkür edirik!",
			konullu.NotifyOfferExpired:      "{position} növbəsindəki yerinizi imtina müddəti bitənədək heç kim götürmədi: {centre}, {when}. Yer hələ sizindir; gələ bilməsəniz, koordinatora bildirin.",
		},
		assignedWaitlisted:     "Koordinator sizi {position} növbəsinin gözləmə siyahısına əlavə etdi: {centre}, {when}.",
		reasonLine:             "Səbəb: {reason}",
		digestShift:            "• {when} — {centre}, {position}: {confirmed}/{capacity}",
		digestNone:             "{week} həftəsində bütün növbələr doludur.",
		staffLines:             "Fəal könüllülər: {active}\nSaatlar: {hours}\nDolu növbələr: {filled}\nYer olan növbələr: {understaffed}\nGəlməyənlər: {noShows} / {assignments}",
		offerExpiredCoordTitle: "Təklif olunan yer boş qalmadı: könüllü hələ də növbədədir",
		offerExpiredCoord:      "{name} {position} növbəsindəki yerini təklif etmişdi, amma imtina müddəti bitənədək heç kim götürmədi: {centre}, {when}. Könüllü gəlməyə bilər.",
		confirmLine:            "Gələcəyinizi təsdiqləyin: tətbiqdə növbəni açıb «Gələcəyəm» düyməsini basın və ya SMS-ə BƏLİ (gəlirəm) və ya XEYR (gələ bilmirəm) cavabını yazın.",
		messageFooter:          "— {centre} koordinatoru",
	},
	konullu.LanguageEn: {
		weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		months:   [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		dateTime: "{weekday} {day} {month} {year}, {time}",
		hours:    func(n int) string { return plural(n, "hour", "hours") },
		minutes:  func(n int) string { return plural(n, "minute", "minutes") },
		greeting: "Hello {name},",
		unnamed:  "volunteer",
		footer:   "Könüllü — shifts for ASAN volunteers. You can change how you are notified in your profile.",
		titles: map[konullu.NotificationKind]string{
			konullu.NotifySignupConfirmed:   "Your shift is confirmed",
			konullu.NotifyPromoted:          "You moved up from the waitlist",
			konullu.NotifyAssigned:          "A coordinator assigned you to a shift",
			konullu.NotifyShiftCancelled:    "The centre cancelled a shift",
			konullu.NotifyShiftChanged:      "Your shift changed",
			konullu.NotifySeriesChanged:     "Your weekly shifts changed",
			konullu.NotifySeriesCancelled:   "Weekly shifts cancelled",
			konullu.NotifyReminder:          "Reminder: your shift starts in {lead}",
			konullu.NotifyAward:             "Congratulations! {threshold} hours of volunteering",
			konullu.NotifyDigestCoordinator: "Weekly digest: {count} shifts need volunteers",
			konullu.NotifyDigestStaff:       "Weekly participation summary",
			konullu.NotifyRosterProposed:    "A roster plan is ready: {proposals} proposals",
			konullu.NotifyPlaceOffered:      "A place in a shift is on offer",
			konullu.NotifyPlaceTaken:        "Another volunteer took your place",
			konullu.NotifyOfferExpired:      "Nobody took your place",
		},
		bodies: map[konullu.NotificationKind]string{
			konullu.NotifySignupConfirmed:   "Your place in the {position} shift is confirmed: {centre}, {when}. See you there!",
			konullu.NotifyPromoted:          "A place freed up and you moved from the waitlist into the {position} shift: {centre}, {when}.",
			konullu.NotifyAssigned:          "A coordinator assigned you to the {position} shift: {centre}, {when}.",
			konullu.NotifyShiftCancelled:    "The centre cancelled the {position} shift: {centre}, {when}. It does not count as a withdrawal of yours.",
			konullu.NotifyShiftChanged:      "The {position} shift changed: {centre}, {when}.",
			konullu.NotifySeriesChanged:     "The weekly {position} shifts at {centre} changed from {when} on ({seriesShifts} of your shifts). See the new times in the app.",
			konullu.NotifySeriesCancelled:   "The weekly {position} shifts at {centre} are cancelled from {when} on ({seriesShifts} of your shifts).",
			konullu.NotifyReminder:          "Your {position} shift starts in {lead}: {centre}, {when}. Remember to check in when you arrive.",
			konullu.NotifyAward:             "You volunteered {hours} in the last 12 months and earned the {threshold}-hour award. Thank you!",
			konullu.NotifyDigestCoordinator: "These shifts of the week {week} still have free places:",
			konullu.NotifyDigestStaff:       "Participation last week ({from} – {to}):",
			konullu.NotifyRosterProposed:    "The week {week} has {open} open places; an automatic plan proposes volunteers for {proposals} of them. Open that week on the calendar to review the plan, then apply or discard it.",
			konullu.NotifyPlaceOffered:      "A volunteer cannot come and offers their place in the {position} shift: {centre}, {when}. The first to take it gets it — see \"Places on offer\" in the app.",
			konullu.NotifyPlaceTaken:        "Another volunteer took your place in the {position} shift: {centre}, {when}. You are released from it. Thank you for letting us know!",
			konullu.NotifyOfferExpired:      "Nobody took your place in the {position} shift before the withdrawal cut-off: {centre}, {when}. The place is still yours; if you cannot come, tell the coordinator.",
		},
		assignedWaitlisted:     "A coordinator put you on the waitlist of the {position} shift: {centre}, {when}.",
		reasonLine:             "Reason: {reason}",
		digestShift:            "• {when} — {centre}, {position}: {confirmed}/{capacity}",
		digestNone:             "Every shift of the week {week} is fully staffed.",
		staffLines:             "Active volunteers: {active}\nHours: {hours}\nShifts filled: {filled}\nShifts understaffed: {understaffed}\nNo-shows: {noShows} of {assignments}",
		offerExpiredCoordTitle: "An offered place was not taken: the volunteer is still on the shift",
		offerExpiredCoord:      "{name} offered their place in the {position} shift, but nobody took it before the withdrawal cut-off: {centre}, {when}. The volunteer may not come.",
		confirmLine:            "Please confirm you are coming: open the shift in the app and press \"I am coming\", or reply YES (coming) or NO (cannot come) to the text message.",
		messageFooter:          "— the coordinator of {centre}",
	},
	konullu.LanguageRu: {
		weekdays: [7]string{"воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"},
		months:   [12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"},
		dateTime: "{weekday}, {day} {month} {year}, {time}",
		hours:    func(n int) string { return ruPlural(n, "час", "часа", "часов") },
		minutes:  func(n int) string { return ruPlural(n, "минуту", "минуты", "минут") },
		greeting: "Здравствуйте, {name}!",
		unnamed:  "волонтёр",
		footer:   "Könüllü — смены для волонтёров ASAN. Способы уведомления можно изменить в профиле.",
		titles: map[konullu.NotificationKind]string{
			konullu.NotifySignupConfirmed:   "Ваша смена подтверждена",
			konullu.NotifyPromoted:          "Вы переведены из листа ожидания",
			konullu.NotifyAssigned:          "Координатор назначил вас на смену",
			konullu.NotifyShiftCancelled:    "Центр отменил смену",
			konullu.NotifyShiftChanged:      "Смена изменена",
			konullu.NotifySeriesChanged:     "Ваши еженедельные смены изменены",
			konullu.NotifySeriesCancelled:   "Еженедельные смены отменены",
			konullu.NotifyReminder:          "Напоминание: смена начнётся через {lead}",
			konullu.NotifyAward:             "Поздравляем! {threshold} часов волонтёрства",
			konullu.NotifyDigestCoordinator: "Сводка недели: смен с незанятыми местами — {count}",
			konullu.NotifyDigestStaff:       "Сводка участия за неделю",
			konullu.NotifyRosterProposed:    "План смен готов: предложений — {proposals}",
			konullu.NotifyPlaceOffered:      "Предлагается место на смене",
			konullu.NotifyPlaceTaken:        "Ваше место занял другой волонтёр",
			konullu.NotifyOfferExpired:      "Ваше место никто не занял",
		},
		bodies: map[konullu.NotificationKind]string{
			konullu.NotifySignupConfirmed:   "Ваше место на смене «{position}» подтверждено: {centre}, {when}. Ждём вас!",
			konullu.NotifyPromoted:          "Освободилось место, и вы переведены из листа ожидания на смену «{position}»: {centre}, {when}.",
			konullu.NotifyAssigned:          "Координатор назначил вас на смену «{position}»: {centre}, {when}.",
			konullu.NotifyShiftCancelled:    "Центр отменил смену «{position}»: {centre}, {when}. Это не считается вашим отказом.",
			konullu.NotifyShiftChanged:      "Смена «{position}» изменена: {centre}, {when}.",
			konullu.NotifySeriesChanged:     "Еженедельные смены «{position}» ({centre}) изменены начиная с {when}; ваших смен: {seriesShifts}. Новое время — в приложении.",
			konullu.NotifySeriesCancelled:   "Еженедельные смены «{position}» ({centre}) отменены начиная с {when}; ваших смен: {seriesShifts}.",
			konullu.NotifyReminder:          "Ваша смена «{position}» начнётся через {lead}: {centre}, {when}. Не забудьте отметиться по приходе.",
			konullu.NotifyAward:             "За последние 12 месяцев вы отработали {hours} и получили награду за {threshold} часов. Спасибо!",
			konullu.NotifyDigestCoordinator: "На неделе {week} на этих сменах ещё есть места:",
			konullu.NotifyDigestStaff:       "Участие за прошлую неделю ({from} – {to}):",
			konullu.NotifyRosterProposed:    "На неделе {week} свободных мест: {open}; автоматический план предлагает волонтёров для {proposals} из них. Откройте эту неделю в календаре, просмотрите план, затем примените или отклоните его.",
			konullu.NotifyPlaceOffered:      "Волонтёр не сможет прийти и предлагает своё место на смене «{position}»: {centre}, {when}. Место получит тот, кто займёт его первым, — см. «Предлагаемые места» в приложении.",
			konullu.NotifyPlaceTaken:        "Ваше место на смене «{position}» занял другой волонтёр: {centre}, {when}. Вы освобождены от смены. Спасибо, что предупредили!",
			konullu.NotifyOfferExpired:      "До срока отказа никто не занял ваше место на смене «{position}»: {centre}, {when}. Место по-прежнему ваше; если не сможете прийти, сообщите координатору.",
		},
		assignedWaitlisted:     "Координатор добавил вас в лист ожидания смены «{position}»: {centre}, {when}.",
		reasonLine:             "Причина: {reason}",
		digestShift:            "• {when} — {centre}, {position}: {confirmed}/{capacity}",
		digestNone:             "На неделе {week} все смены укомплектованы.",
		staffLines:             "Активные волонтёры: {active}\nЧасы: {hours}\nЗаполненные смены: {filled}\nСмены с недобором: {understaffed}\nНеявки: {noShows} из {assignments}",
		offerExpiredCoordTitle: "Предложенное место не заняли: волонтёр всё ещё на смене",
		offerExpiredCoord:      "{name} предлагал(а) своё место на смене «{position}», но до срока отказа его никто не занял: {centre}, {when}. Волонтёр может не прийти.",
		confirmLine:            "Подтвердите, что придёте: откройте смену в приложении и нажмите «Я приду» или ответьте на SMS ДА (приду) или НЕТ (не смогу).",
		messageFooter:          "— координатор центра «{centre}»",
	},
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// ruPlural picks the Russian form for n: 1 час, 2 часа, 5 часов, 21 час.
func ruPlural(n int, one, few, many string) string {
	form := many
	switch m10, m100 := n%10, n%100; {
	case m10 == 1 && m100 != 11:
		form = one
	case m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14):
		form = few
	}
	return strconv.Itoa(n) + " " + form
}

func catalogFor(l konullu.Language) *catalog {
	if c := catalogs[l]; c != nil {
		return c
	}
	return catalogs[konullu.DefaultLanguage]
}

// when formats an instant in a zone, in the catalog's language, naming the zone.
func (c *catalog) when(t time.Time, zone string) string {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	l := t.In(loc)
	return strings.NewReplacer("{weekday}", c.weekdays[l.Weekday()], "{day}", strconv.Itoa(l.Day()),
		"{month}", c.months[l.Month()-1], "{year}", strconv.Itoa(l.Year()), "{time}", l.Format("15:04")).Replace(c.dateTime) +
		" (" + loc.String() + ")"
}

// duration says a lead time in words: "24 saat", "2 hours", "90 минут".
func (c *catalog) duration(minutes int) string {
	if minutes%60 == 0 {
		return c.hours(minutes / 60)
	}
	return c.minutes(minutes)
}

// remainingMinutes rounds the time until a shift for a reminder: to the
// hour from two hours on, to five minutes below.
func remainingMinutes(d time.Duration) int {
	if d >= 2*time.Hour {
		return int(d.Round(time.Hour) / time.Minute)
	}
	return max(5, int(d.Round(5*time.Minute)/time.Minute))
}

// payload is the union of the kind-specific facts enqueued with a message.
type payload struct {
	Status         string  `json:"status"`
	Reason         string  `json:"reason"`
	LeadMinutes    int     `json:"leadMinutes"`
	ThresholdHours int     `json:"thresholdHours"`
	Minutes        int     `json:"minutes"`
	Band           string  `json:"band"`
	Week           string  `json:"week"`
	From           string  `json:"from"`
	To             string  `json:"to"`
	Understaffed   int     `json:"understaffed"`
	Proposals      int     `json:"proposals"`
	Shifts         []shift `json:"shifts"`
	Active         int     `json:"activeVolunteers"`
	Assignments    int     `json:"assignments"`
	NoShows        int     `json:"noShows"`
	Filled         int     `json:"shiftsFilled"`
	ShiftsShort    int     `json:"shiftsUnderstaffed"`
	AskConfirm     bool    `json:"askConfirm"`
	Name           string  `json:"name"`
	Coordinator    bool    `json:"coordinator"`
	Subject        string  `json:"subject"`
	Message        string  `json:"message"`
	Centre         string  `json:"centre"`
	SeriesShifts   int     `json:"seriesShifts"`
	// A qualification's names per language and its expiry (RFC 3339).
	Names     map[string]string `json:"names"`
	ExpiresAt string            `json:"expiresAt"`
}

type shift struct {
	ID        int64  `json:"id"`
	Centre    string `json:"centre"`
	Timezone  string `json:"timezone"`
	Position  string `json:"position"`
	StartsAt  string `json:"startsAt"`
	Confirmed int    `json:"confirmed"`
	Capacity  int    `json:"capacity"`
}

// Render writes a message out in the recipient's language (az when unknown).
func Render(m *konullu.OutboxMessage) (Message, error) {
	var p payload
	if len(m.Payload) > 0 {
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			return Message{}, fmt.Errorf("notify: payload of message %d: %w", m.ID, err)
		}
	}
	c := catalogFor(m.Recipient.Language)
	lang := m.Recipient.Language
	if catalogs[lang] == nil {
		lang = konullu.DefaultLanguage
	}
	if m.Kind == konullu.NotifyMessage {
		// A coordinator's own words, in whatever language they wrote them.
		return Message{Language: lang, Title: p.Subject,
			Body: p.Message + "\n\n" + strings.ReplaceAll(c.messageFooter, "{centre}", p.Centre)}, nil
	}
	title, ok := c.titles[m.Kind]
	if !ok {
		return Message{}, fmt.Errorf("notify: no text for kind %q", m.Kind)
	}
	body := c.bodies[m.Kind]
	if m.Kind == konullu.NotifyOfferExpired && p.Coordinator {
		title, body = c.offerExpiredCoordTitle, c.offerExpiredCoord
	}
	if m.Kind == konullu.NotifyAssigned && p.Status == string(konullu.AssignmentWaitlisted) {
		body = c.assignedWaitlisted
	}
	lead := p.LeadMinutes
	if m.Kind == konullu.NotifyReminder && m.Shift != nil && !m.CreatedAt.IsZero() {
		// Say how long there really is: a 24-hour reminder sent 23 hours
		// before (a late signup, a catch-up) says 23 hours.
		lead = remainingMinutes(m.Shift.StartsAt.Sub(m.CreatedAt))
	}
	vars := []string{
		"{lead}", c.duration(lead),
		"{threshold}", strconv.Itoa(p.ThresholdHours),
		"{hours}", c.duration(p.Minutes / 60 * 60),
		"{week}", p.Week,
		"{count}", strconv.Itoa(p.Understaffed),
		"{open}", strconv.Itoa(p.Understaffed),
		"{proposals}", strconv.Itoa(p.Proposals),
		"{name}", p.Name,
		"{seriesShifts}", strconv.Itoa(p.SeriesShifts),
	}
	if m.Kind == konullu.NotifyQualificationExpiring {
		name := p.Names[string(lang)]
		if name == "" {
			name = p.Name
		}
		expires := p.ExpiresAt
		if t, err := time.Parse(time.RFC3339, p.ExpiresAt); err == nil {
			expires = c.when(t, konullu.DefaultTimezone)
		}
		vars = append(vars, "{qualification}", name, "{expires}", expires)
	}
	if s := m.Shift; s != nil {
		vars = append(vars, "{position}", s.PositionName, "{centre}", s.CentreName, "{when}", c.when(s.StartsAt, s.CentreTimezone))
	}
	paragraphs := []string{}
	switch m.Kind {
	case konullu.NotifyShiftCancelled, konullu.NotifySeriesCancelled, konullu.NotifyCorrectionApproved, konullu.NotifyCorrectionRejected:
		paragraphs = append(paragraphs, body)
		reason := p.Reason
		if reason == "" && m.Shift != nil && m.Kind == konullu.NotifyShiftCancelled {
			reason = m.Shift.CancelReason
		}
		if reason != "" {
			paragraphs = append(paragraphs, strings.ReplaceAll(c.reasonLine, "{reason}", reason))
		}
	case konullu.NotifyDigestCoordinator:
		if len(p.Shifts) == 0 {
			paragraphs = append(paragraphs, c.digestNone)
			break
		}
		lines := []string{body}
		for _, s := range p.Shifts {
			start, _ := time.Parse(time.RFC3339, s.StartsAt)
			lines = append(lines, strings.NewReplacer("{when}", c.when(start, s.Timezone), "{centre}", s.Centre, "{position}", s.Position,
				"{confirmed}", strconv.Itoa(s.Confirmed), "{capacity}", strconv.Itoa(s.Capacity)).Replace(c.digestShift))
		}
		if p.Understaffed > len(p.Shifts) {
			lines = append(lines, "…")
		}
		paragraphs = append(paragraphs, strings.Join(lines, "\n"))
	case konullu.NotifyDigestStaff:
		from, _ := time.Parse(time.RFC3339, p.From)
		to, _ := time.Parse(time.RFC3339, p.To)
		day := func(t time.Time) string { return t.In(time.UTC).Format("2006-01-02") }
		vars = append(vars, "{from}", day(from), "{to}", day(to.Add(-time.Second)), "{active}", strconv.Itoa(p.Active),
			"{filled}", strconv.Itoa(p.Filled), "{understaffed}", strconv.Itoa(p.ShiftsShort), "{noShows}", strconv.Itoa(p.NoShows),
			"{assignments}", strconv.Itoa(p.Assignments))
		paragraphs = append(paragraphs, body+"\n"+c.staffLines)
	case konullu.NotifyReminder:
		paragraphs = append(paragraphs, body)
		if p.AskConfirm {
			paragraphs = append(paragraphs, c.confirmLine)
		}
	default:
		paragraphs = append(paragraphs, body)
	}
	r := strings.NewReplacer(vars...)
	return Message{Language: lang, Title: r.Replace(title), Body: r.Replace(strings.Join(paragraphs, "\n\n"))}, nil
}

// Email is a rendered message as an email: greeting, body and footer.
type Email struct {
	Subject string
	Text    string
	HTML    string
}

var htmlTemplate = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1d2433; max-width: 36rem; margin: 0 auto; padding: 1rem">
<h1 style="font-size: 1.25rem; color: #0b5cab">{{.Title}}</h1>
<p>{{.Greeting}}</p>
{{range .Paragraphs}}<p>{{range $i, $l := .}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>
{{end}}<hr style="border: none; border-top: 1px solid #d0d7e2">
<p style="font-size: 0.85rem; color: #5b6478">{{.Footer}}</p>
</body></html>
`))

// AsEmail lays a rendered message out as an email for the recipient.
func AsEmail(msg Message, to konullu.Recipient) (Email, error) {
	c := catalogFor(msg.Language)
	name := to.Name
	if name == "" {
		name = c.unnamed
	}
	greeting := strings.ReplaceAll(c.greeting, "{name}", name)
	text := greeting + "\n\n" + msg.Body + "\n\n-- \n" + c.footer + "\n"
	var paragraphs [][]string
	for _, p := range strings.Split(msg.Body, "\n\n") {
		paragraphs = append(paragraphs, strings.Split(p, "\n"))
	}
	var b bytes.Buffer
	err := htmlTemplate.Execute(&b, map[string]any{"Lang": string(msg.Language), "Title": msg.Title, "Greeting": greeting,
		"Paragraphs": paragraphs, "Footer": c.footer})
	if err != nil {
		return Email{}, fmt.Errorf("notify: email html: %w", err)
	}
	return Email{Subject: msg.Title, Text: text, HTML: b.String()}, nil
}
