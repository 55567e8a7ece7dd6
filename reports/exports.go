package reports

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/konullu/konullu"
)

// byteOrderMark starts every CSV file: without it spreadsheet programs read
// the file in the system's code page and garble ə, ğ, ı, ş…
const byteOrderMark = "\uFEFF"

// flushEvery is how many rows are buffered before they are sent on.
const flushEvery = 500

// table is an export: its header and how to read its rows, one at a time.
type table struct {
	name   string // file name without extension
	header []string
	// rows calls emit for each row as the store reads it; the slice is
	// reused between calls.
	rows func(ctx context.Context, st konullu.ReportStore, q konullu.ReportQuery, emit func([]string) error) error
	// firstNumber, when above 0, is the first of the columns (to the end)
	// that hold numbers; otherwise they are known by their key.
	firstNumber int
	// keys are the columns' keys when header is translated (language.go);
	// nil: header is the keys.
	keys []string
}

var participationTable = table{
	name: "participation",
	header: []string{"assignment_id", "date", "start", "end", "timezone", "centre", "position", "volunteer_id",
		"volunteer", "age", "age_band", "status", "credited_minutes", "credited_hours", "presence", "shift_kind"},
	rows: func(ctx context.Context, st konullu.ReportStore, q konullu.ReportQuery, emit func([]string) error) error {
		row := make([]string, 16)
		zones := map[string]*time.Location{} // LoadLocation parses the zone each time
		return st.ExportParticipation(ctx, q, func(r *konullu.ParticipationRecord) error {
			loc, ok := zones[r.CentreTimezone]
			if !ok {
				var err error
				if loc, err = time.LoadLocation(r.CentreTimezone); err != nil {
					loc = q.Location
				}
				zones[r.CentreTimezone] = loc
			}
			start, end := r.StartsAt.In(loc), r.EndsAt.In(loc)
			day := konullu.LocalDate(r.StartsAt, loc) // ages count on the shift's date at the centre
			row[0] = strconv.FormatInt(r.AssignmentID, 10)
			row[1] = start.Format(time.DateOnly)
			row[2] = start.Format("15:04")
			row[3] = end.Format("15:04")
			row[4] = loc.String()
			row[5] = r.CentreName
			row[6] = r.PositionName
			row[7] = strconv.FormatInt(r.VolunteerID, 10)
			row[8] = r.VolunteerName
			row[9] = age(r.BirthDate, day)
			row[10] = konullu.AgeBandOf(r.BirthDate, day)
			row[11] = string(r.Status)
			row[12] = strconv.Itoa(r.CreditedMinutes)
			row[13] = hours(r.CreditedMinutes)
			row[14] = string(r.Presence) // KIOSK, COORDINATOR, SELF, RECORDED or empty
			row[15] = string(r.Kind)     // SERVICE or TRAINING
			return emit(row)
		})
	},
}

var volunteerHoursTable = table{
	name: "volunteer-hours",
	header: []string{"volunteer_id", "volunteer", "age", "age_band", "hours", "minutes", "assignments", "attended",
		"no_shows", "centres", "first_shift", "last_shift", "attended_proven_at_centre", "training_hours", "training_minutes"},
	rows: func(ctx context.Context, st konullu.ReportStore, q konullu.ReportQuery, emit func([]string) error) error {
		row := make([]string, 15)
		return st.ExportVolunteerHours(ctx, q, func(h *konullu.VolunteerHours) error {
			row[0] = strconv.FormatInt(h.VolunteerID, 10)
			row[1] = h.FullName
			row[2] = age(h.BirthDate, q.To) // at the end of the period
			row[3] = konullu.AgeBandOf(h.BirthDate, q.To)
			row[4] = hours(h.Minutes)
			row[5] = strconv.Itoa(h.Minutes)
			row[6] = strconv.Itoa(h.Assignments)
			row[7] = strconv.Itoa(h.Attended)
			row[8] = strconv.Itoa(h.NoShows)
			row[9] = strconv.Itoa(h.Centres)
			row[10] = localDate(h.FirstActivity, q.Location)
			row[11] = localDate(h.LastActivity, q.Location)
			row[12] = strconv.Itoa(h.Proven) // presence proven by kiosk or coordinator
			row[13] = hours(h.TrainingMinutes)
			row[14] = strconv.Itoa(h.TrainingMinutes)
			return emit(row)
		})
	},
}

func age(birth, day time.Time) string {
	if birth.IsZero() {
		return ""
	}
	return strconv.Itoa(konullu.AgeOn(birth, day))
}

// hours writes minutes as hours with two decimals, the way spreadsheets read numbers.
func hours(minutes int) string { return strconv.FormatFloat(float64(minutes)/60, 'f', 2, 64) }

func localDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.DateOnly)
}

// WriteCSV writes an export as RFC 4180 CSV in UTF-8 with a byte-order
// mark, row by row as the store reads them: memory does not grow with the
// number of rows.
func WriteCSV(ctx context.Context, w io.Writer, st konullu.ReportStore, q konullu.ReportQuery, t table) (rows int, err error) {
	bw := bufio.NewWriterSize(w, 32<<10)
	if _, err := bw.WriteString(byteOrderMark); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true // RFC 4180
	safe := make([]string, len(t.header))
	if err := cw.Write(safeRow(safe, t.header)); err != nil {
		return 0, err
	}
	err = t.rows(ctx, st, q, func(row []string) error {
		if err := cw.Write(safeRow(safe, row)); err != nil {
			return err
		}
		rows++
		if rows%flushEvery == 0 {
			cw.Flush() // surfaces a write error (a client gone) early
			if err := cw.Error(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return rows, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return rows, err
	}
	return rows, bw.Flush()
}

// safeRow fills dst with the cells of row made safe for spreadsheets (SafeCell).
func safeRow(dst, row []string) []string {
	dst = dst[:0]
	for _, s := range row {
		dst = append(dst, SafeCell(s))
	}
	return dst
}

// WriteParticipationCSV writes the participation export (one row per assignment) as CSV.
func WriteParticipationCSV(ctx context.Context, w io.Writer, st konullu.ReportStore, q konullu.ReportQuery) (int, error) {
	return WriteCSV(ctx, w, st, q, participationTable)
}

// WriteVolunteerHoursCSV writes the volunteer-hours export (one row per volunteer) as CSV.
func WriteVolunteerHoursCSV(ctx context.Context, w io.Writer, st konullu.ReportStore, q konullu.ReportQuery) (int, error) {
	return WriteCSV(ctx, w, st, q, volunteerHoursTable)
}

// maxSheetRows is a worksheet's row limit in Excel, header included; longer
// exports continue on further sheets.
const maxSheetRows = 1_048_576

// WriteXLSX writes an export as an Excel workbook with excelize's stream
// writer, which keeps rows on disk rather than in memory. Numbers are
// written as numbers, so sums work at once.
func WriteXLSX(ctx context.Context, w io.Writer, st konullu.ReportStore, q konullu.ReportQuery, t table) (rows int, err error) {
	f := excelize.NewFile()
	defer f.Close()
	numeric := map[int]bool{}
	keys := t.header
	if t.keys != nil {
		keys = t.keys
	}
	for i, h := range keys {
		if t.firstNumber > 0 {
			numeric[i] = i >= t.firstNumber
			continue
		}
		switch h {
		case "assignment_id", "volunteer_id", "age", "credited_minutes", "credited_hours", "hours", "minutes",
			"assignments", "attended", "no_shows", "centres", "training_hours", "training_minutes":
			numeric[i] = true
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return 0, err
	}
	var sw *excelize.StreamWriter
	sheetRow := 0
	sheets := 0
	newSheet := func() error {
		if sw != nil {
			if err := sw.Flush(); err != nil {
				return err
			}
		}
		sheets++
		name := t.name
		if sheets > 1 {
			name = fmt.Sprintf("%s (%d)", t.name, sheets)
		}
		if sheets == 1 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if sw, err = f.NewStreamWriter(name); err != nil {
			return err
		}
		header := make([]any, len(t.header))
		for i, h := range t.header {
			header[i] = excelize.Cell{StyleID: bold, Value: SafeCell(h)}
		}
		sheetRow = 1
		return sw.SetRow("A1", header, excelize.RowOpts{})
	}
	if err := newSheet(); err != nil {
		return 0, err
	}
	cells := make([]any, len(t.header))
	err = t.rows(ctx, st, q, func(row []string) error {
		if sheetRow == maxSheetRows {
			if err := newSheet(); err != nil {
				return err
			}
		}
		for i, s := range row {
			// Text is made safe for spreadsheets (SafeCell); numbers stay numbers.
			cells[i] = SafeCell(s)
			if numeric[i] && s != "" {
				if n, err := strconv.ParseFloat(s, 64); err == nil {
					cells[i] = n
				}
			}
		}
		sheetRow++
		rows++
		cell, _ := excelize.CoordinatesToCellName(1, sheetRow)
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return rows, err
	}
	if err := sw.Flush(); err != nil {
		return rows, err
	}
	return rows, f.Write(w)
}

// Exports serves GET /reports/{file}: participation.csv, participation.xlsx,
// volunteer-hours.csv and volunteer-hours.xlsx, with the parameters from,
// to (YYYY-MM-DD, inclusive) and centreId, and the rights of
// participationReport: staff and admins, or a coordinator for their
// centres; and programme-funnel.csv and .xlsx, with from, to and cohortId
// and the rights of programmeReport. Every file takes lang (az, en or ru:
// the headings' and words' language; keys: the machine keys), by default the
// reader's language (language.go).
func Exports(d Deps) http.Handler {
	d = d.withDefaults()
	files := map[string]struct {
		t               table
		xlsx, programme bool
	}{
		"participation.csv": {participationTable, false, false}, "participation.xlsx": {participationTable, true, false},
		"volunteer-hours.csv": {volunteerHoursTable, false, false}, "volunteer-hours.xlsx": {volunteerHoursTable, true, false},
		"programme-funnel.csv": {table{}, false, true}, "programme-funnel.xlsx": {table{}, true, true},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		file, ok := files[r.PathValue("file")]
		if !ok {
			d.fail(w, r, konullu.NotFound("report"))
			return
		}
		v, err := d.viewer(r)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		var q konullu.ReportQuery
		if file.programme {
			// The programme's funnel is computed first (a few rows), then written.
			var rep *konullu.ProgrammeReport
			var lang konullu.Language
			if rep, q, lang, err = d.programmeReport(r, v); err != nil {
				d.fail(w, r, err)
				return
			}
			file.t = programmeTable(rep, lang)
		} else if q, err = d.reportQuery(r, v); err != nil {
			d.fail(w, r, err)
			return
		} else {
			lang, keys, err := d.readerLanguage(r, v.UserID)
			if err != nil {
				d.fail(w, r, err)
				return
			}
			if !keys {
				file.t = file.t.in(lang)
			}
		}
		name := fmt.Sprintf("%s_%s_%s", file.t.name, q.From.Format("20060102"), q.To.Format("20060102"))
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		started := d.Now()
		var rows int
		if file.xlsx {
			h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			h.Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
			rows, err = WriteXLSX(r.Context(), w, d.Reports, q, file.t)
		} else {
			h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
			h.Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
			rows, err = WriteCSV(r.Context(), w, d.Reports, q, file.t)
		}
		if err != nil {
			// The status line is gone; break the response off so that the
			// client sees a failed download, not a short file.
			d.Logger.ErrorContext(r.Context(), "export failed", "file", r.PathValue("file"), "rows", rows, "error", err.Error())
			panic(http.ErrAbortHandler)
		}
		d.Logger.InfoContext(r.Context(), "export", "file", r.PathValue("file"), "rows", rows,
			"user", v.UserID, "duration", d.Now().Sub(started).String())
	})
}
