package reports

import (
	"context"
	"net/http"

	"github.com/konullu/konullu"
)

// The reader's language (issue 12): exports and calendar feeds are written
// in the language asked for (?lang=az|en|ru) or, without it, in the
// reader's own (their notification language, which follows the language
// they use the app in). Column headings and the words in status columns
// are translated; numbers, dates and names are not. lang=keys keeps the
// machine headings and values (assignment_id, CONFIRMED …) for scripts.

// langKeys asks for the machine headings and values.
const langKeys = "keys"

// readerLanguage is the language a request asks for: ?lang, else the
// viewer's own, else the default. keys reports lang=keys.
func (d Deps) readerLanguage(r *http.Request, userID int64) (lang konullu.Language, keys bool, err error) {
	if s := r.URL.Query().Get("lang"); s != "" {
		if s == langKeys {
			return "", true, nil
		}
		lang, err = konullu.ParseLanguage("lang", s)
		return lang, false, err
	}
	return d.userLanguage(r.Context(), userID), false, nil
}

// userLanguage is a user's language: their notification settings' (the
// default when unknown or unreadable: a heading's language is not worth
// failing a download for).
func (d Deps) userLanguage(ctx context.Context, userID int64) konullu.Language {
	if ns, ok := d.Store.(konullu.NotificationStore); ok && userID != 0 {
		if m, err := ns.NotificationSettings(ctx, []int64{userID}); err == nil {
			if s, ok := m[userID]; ok && s.Language != "" {
				return s.Language
			}
		} else {
			d.Logger.WarnContext(ctx, "reader's language unknown", "error", err.Error())
		}
	}
	return konullu.DefaultLanguage
}

// columnHeadings are the headings of the participation and volunteer-hours
// exports' columns, by the column's key.
var columnHeadings = map[konullu.Language]map[string]string{
	konullu.LanguageEn: {
		"assignment_id": "Assignment", "date": "Date", "start": "Start", "end": "End", "timezone": "Time zone",
		"centre": "Centre", "position": "Position", "volunteer_id": "Volunteer ID", "volunteer": "Volunteer", "age": "Age",
		"age_band": "Age band", "status": "Status", "credited_minutes": "Credited minutes", "credited_hours": "Credited hours",
		"presence": "Presence", "shift_kind": "Kind of shift", "hours": "Hours", "minutes": "Minutes", "assignments": "Places",
		"attended": "Attended", "no_shows": "No-shows", "centres": "Centres", "first_shift": "First shift", "last_shift": "Last shift",
		"attended_proven_at_centre": "Presence proven at the centre", "training_hours": "Training hours", "training_minutes": "Training minutes",
	},
	konullu.LanguageAz: {
		"assignment_id": "Təyinat", "date": "Tarix", "start": "Başlanğıc", "end": "Son", "timezone": "Saat qurşağı",
		"centre": "Mərkəz", "position": "Vəzifə", "volunteer_id": "Könüllü ID", "volunteer": "Könüllü", "age": "Yaş",
		"age_band": "Yaş qrupu", "status": "Status", "credited_minutes": "Hesablanan dəqiqələr", "credited_hours": "Hesablanan saatlar",
		"presence": "İştirakın təsdiqi", "shift_kind": "Növbənin növü", "hours": "Saat", "minutes": "Dəqiqə", "assignments": "Yerlər",
		"attended": "İştirak etdi", "no_shows": "Gəlmədi", "centres": "Mərkəzlər", "first_shift": "İlk növbə", "last_shift": "Son növbə",
		"attended_proven_at_centre": "İştirakı mərkəzdə təsdiqlənib", "training_hours": "Təlim saatları", "training_minutes": "Təlim dəqiqələri",
	},
	konullu.LanguageRu: {
		"assignment_id": "Назначение", "date": "Дата", "start": "Начало", "end": "Конец", "timezone": "Часовой пояс",
		"centre": "Центр", "position": "Должность", "volunteer_id": "ID волонтёра", "volunteer": "Волонтёр", "age": "Возраст",
		"age_band": "Возрастная группа", "status": "Статус", "credited_minutes": "Засчитано минут", "credited_hours": "Засчитано часов",
		"presence": "Подтверждение присутствия", "shift_kind": "Вид смены", "hours": "Часы", "minutes": "Минуты", "assignments": "Места",
		"attended": "Присутствовал(а)", "no_shows": "Неявки", "centres": "Центры", "first_shift": "Первая смена", "last_shift": "Последняя смена",
		"attended_proven_at_centre": "Присутствие подтверждено в центре", "training_hours": "Часы обучения", "training_minutes": "Минуты обучения",
	},
}

// valueWords are the words of the status, presence, kind and age band
// columns, by their value.
var valueWords = map[konullu.Language]map[string]string{
	konullu.LanguageEn: {
		"CONFIRMED": "Confirmed", "WAITLISTED": "Waitlisted", "CANCELLED": "Cancelled", "CHECKED_IN": "Checked in",
		"COMPLETED": "Completed", "NO_SHOW": "No-show",
		"KIOSK": "Kiosk", "COORDINATOR": "Coordinator", "SELF": "Self check-in", "RECORDED": "Recorded afterwards",
		"SERVICE": "Service", "TRAINING": "Training",
		"UNDER_18": "under 18", "OVER_30": "over 30", "UNKNOWN": "unknown", "18_21": "18–21", "22_25": "22–25", "26_30": "26–30",
	},
	konullu.LanguageAz: {
		"CONFIRMED": "Təsdiqlənib", "WAITLISTED": "Gözləmə siyahısında", "CANCELLED": "Ləğv edilib", "CHECKED_IN": "Gəlib",
		"COMPLETED": "Tamamlanıb", "NO_SHOW": "Gəlməyib",
		"KIOSK": "Kiosk", "COORDINATOR": "Koordinator", "SELF": "Özü qeyd edib", "RECORDED": "Sonradan qeyd edilib",
		"SERVICE": "Xidmət", "TRAINING": "Təlim",
		"UNDER_18": "18 yaşadək", "OVER_30": "30 yaşdan yuxarı", "UNKNOWN": "məlum deyil", "18_21": "18–21", "22_25": "22–25", "26_30": "26–30",
	},
	konullu.LanguageRu: {
		"CONFIRMED": "Подтверждено", "WAITLISTED": "В листе ожидания", "CANCELLED": "Отменено", "CHECKED_IN": "На месте",
		"COMPLETED": "Завершено", "NO_SHOW": "Неявка",
		"KIOSK": "Киоск", "COORDINATOR": "Координатор", "SELF": "Самостоятельно", "RECORDED": "Внесено позже",
		"SERVICE": "Служба", "TRAINING": "Обучение",
		"UNDER_18": "до 18", "OVER_30": "старше 30", "UNKNOWN": "неизвестно", "18_21": "18–21", "22_25": "22–25", "26_30": "26–30",
	},
}

// translatedColumns are the columns whose values are words.
var translatedColumns = map[string]bool{"status": true, "presence": true, "shift_kind": true, "age_band": true}

// in returns the table written in lang: its headings translated and the
// words of its status columns, the keys staying what the numeric columns
// are known by. A language without words leaves the table as it is.
func (t table) in(lang konullu.Language) table {
	headings, values := columnHeadings[lang], valueWords[lang]
	if headings == nil || t.keys != nil {
		return t
	}
	out := t
	out.keys = t.header
	out.header = make([]string, len(t.header))
	var words []int
	for i, k := range t.header {
		out.header[i] = k
		if h, ok := headings[k]; ok {
			out.header[i] = h
		}
		if translatedColumns[k] {
			words = append(words, i)
		}
	}
	if len(words) == 0 {
		return out
	}
	rows := t.rows
	out.rows = func(ctx context.Context, st konullu.ReportStore, q konullu.ReportQuery, emit func([]string) error) error {
		return rows(ctx, st, q, func(row []string) error {
			for _, i := range words {
				if w, ok := values[row[i]]; ok {
					row[i] = w
				}
			}
			return emit(row)
		})
	}
	return out
}
