package reports

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/konullu/konullu"
)

// programmeColumns are the programme funnel export's columns: one table in
// which section says what a row is (funnel: a cohort or the total; course;
// qualification) and the columns that do not apply to it are empty.
var programmeColumns = []string{"section", "cohort", "name", "applied", "interviewed", "accepted", "trained", "first_shift",
	"active_after_90_days", "due_for_90_days", "days_to_first_shift_median", "days_to_first_shift_p25",
	"days_to_first_shift_p75", "days_to_first_shift_p90", "days_to_first_shift_mean", "enrolled", "completed",
	"valid", "expiring_within_30_days", "expiring_within_90_days", "expired"}

// programmeHeaders are the column headings in the languages of the web
// app, for ?lang=az|en|ru or the reader's language; for lang=keys the
// header is programmeColumns.
var programmeHeaders = map[konullu.Language][]string{
	"en": {"Section", "Cohort", "Name", "Applied", "Interviewed", "Accepted", "Trained", "First shift",
		"Active after 90 days", "First shift 90+ days ago", "Days to first shift: median", "Days to first shift: 25th percentile",
		"Days to first shift: 75th percentile", "Days to first shift: 90th percentile", "Days to first shift: mean", "Enrolled", "Completed",
		"Valid", "Expiring within 30 days", "Expiring in 31–90 days", "Expired"},
	"az": {"Bölmə", "Axın", "Ad", "Müraciət etdi", "Müsahibə", "Qəbul olundu", "Təlim keçdi", "İlk növbə",
		"90 gündən sonra fəal", "İlk növbədən 90+ gün keçib", "İlk növbəyədək gün: median", "İlk növbəyədək gün: 25-ci persentil",
		"İlk növbəyədək gün: 75-ci persentil", "İlk növbəyədək gün: 90-cı persentil", "İlk növbəyədək gün: orta", "Yazıldı", "Bitirdi",
		"Qüvvədə", "30 gün ərzində bitir", "31–90 gündə bitir", "Bitib"},
	"ru": {"Раздел", "Набор", "Название", "Подали заявку", "Собеседование", "Приняты", "Обучены", "Первая смена",
		"Активны через 90 дней", "Первая смена 90+ дней назад", "Дней до первой смены: медиана", "Дней до первой смены: 25-й процентиль",
		"Дней до первой смены: 75-й процентиль", "Дней до первой смены: 90-й процентиль", "Дней до первой смены: среднее", "Записались", "Завершили",
		"Действует", "Истекает в течение 30 дней", "Истекает через 31–90 дней", "Истекла"},
}

// programmeWords are the words of the section column and the total row.
var programmeWords = map[konullu.Language]map[string]string{
	"":   {"funnel": "funnel", "course": "course", "qualification": "qualification", "total": "total"},
	"en": {"funnel": "Funnel", "course": "Course", "qualification": "Qualification", "total": "All cohorts"},
	"az": {"funnel": "Mərhələlər", "course": "Kurs", "qualification": "İxtisas", "total": "Bütün axınlar"},
	"ru": {"funnel": "Воронка", "course": "Курс", "qualification": "Квалификация", "total": "Все наборы"},
}

// programmeTable is the export of a computed programme report.
func programmeTable(rep *konullu.ProgrammeReport, lang konullu.Language) table {
	header := programmeColumns
	if h, ok := programmeHeaders[lang]; ok {
		header = h
	}
	words := programmeWords[lang]
	itoa := strconv.Itoa
	days := func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
	return table{
		name:        "programme-funnel",
		header:      header,
		firstNumber: 3,
		rows: func(_ context.Context, _ konullu.ReportStore, _ konullu.ReportQuery, emit func([]string) error) error {
			row := make([]string, len(programmeColumns))
			funnel := func(label string, r konullu.FunnelRow) error {
				clear(row)
				row[0], row[1] = words["funnel"], label
				row[3], row[4], row[5], row[6] = itoa(r.Applied), itoa(r.Interviewed), itoa(r.Accepted), itoa(r.Trained)
				row[7], row[8], row[9] = itoa(r.FirstShift), itoa(r.Active90), itoa(r.Due90)
				if s := r.DaysToFirstShift; s.Count > 0 {
					row[10], row[11], row[12], row[13], row[14] = days(s.Median), days(s.P25), days(s.P75), days(s.P90), days(s.Mean)
				}
				return emit(row)
			}
			for _, r := range rep.ByCohort {
				if err := funnel(r.CohortName, r); err != nil {
					return err
				}
			}
			if err := funnel(words["total"], rep.Total); err != nil {
				return err
			}
			for _, c := range rep.Courses {
				clear(row)
				row[0], row[2], row[15], row[16] = words["course"], c.Name, itoa(c.Enrolled), itoa(c.Completed)
				if err := emit(row); err != nil {
					return err
				}
			}
			for _, q := range rep.Expiring {
				clear(row)
				row[0], row[2] = words["qualification"], q.Name
				row[17], row[18], row[19], row[20] = itoa(q.Valid), itoa(q.Within30), itoa(q.Within90), itoa(q.Expired)
				if err := emit(row); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// parseCohortID reads a cohort's id as the API writes it (the opaque global
// id) or as a plain number; 0 when absent.
func parseCohortID(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return n, nil
	}
	if raw, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		if num, ok := strings.CutPrefix(string(raw), "Cohort:"); ok {
			if n, err := strconv.ParseInt(num, 10, 64); err == nil && n > 0 {
				return n, nil
			}
		}
	}
	return 0, konullu.Invalid("cohortId", "not the id of a cohort")
}

// programmeReport reads the parameters of a programme export (from, to:
// YYYY-MM-DD, whole days in the deployment's zone, inclusive; cohortId;
// lang) and computes the report with the rights of programmeReport.
func (d Deps) programmeReport(r *http.Request, v *konullu.Viewer) (*konullu.ProgrammeReport, konullu.ReportQuery, konullu.Language, error) {
	p := r.URL.Query()
	rq, err := konullu.ParseReportDates(p.Get("from"), p.Get("to"), d.Location)
	if err != nil {
		return nil, rq, "", err
	}
	cohortID, err := parseCohortID(p.Get("cohortId"))
	if err != nil {
		return nil, rq, "", err
	}
	lang, keys, err := d.readerLanguage(r, v.UserID)
	if err != nil {
		return nil, rq, "", err
	}
	if keys {
		lang = ""
	}
	intake, ok1 := d.Store.(konullu.IntakeStore)
	st, ok2 := d.Store.(konullu.ProgrammeReportStore)
	if !ok1 || !ok2 {
		return nil, rq, "", konullu.NotFound("report")
	}
	from, to := rq.Bounds()
	q := konullu.ProgrammeQuery{From: from, To: to, Now: d.Now()}
	// AUTHZ: staff and admins for every cohort, a coordinator for the cohorts serving their centres.
	if q.CohortIDs, err = konullu.ProgrammeScope(r.Context(), intake, v, cohortID); err != nil {
		return nil, rq, "", err
	}
	rep, err := st.ProgrammeReport(r.Context(), q)
	return rep, rq, lang, err
}
