package reports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/reports"
)

// TestExportsInTheReadersLanguage: headings and status words follow ?lang,
// else the reader's own language (which follows the app's); numbers stay
// numbers and keys stay available for scripts.
func TestExportsInTheReadersLanguage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	read := func(path string) [][]string {
		t.Helper()
		w := f.get("staff", path)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(w.Body.Bytes(), []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return records
	}
	const q = "/reports/participation.csv?from=2025-03-01&to=2025-03-31"
	// The staff member uses the app in Russian: the export is in Russian.
	staff, _, err := f.db.Credentials(ctx, "staff@konullu.az")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetAppLanguage(ctx, staff, konullu.LanguageRu); err != nil {
		t.Fatal(err)
	}
	ru := read(q)
	if ru[0][0] != "Назначение" || ru[0][11] != "Статус" || ru[1][11] != "Завершено" || ru[1][14] != "Внесено позже" || ru[1][15] != "Служба" || ru[1][12] != "240" {
		t.Errorf("in Russian: %q / %q", ru[0], ru[1])
	}
	az := read(q + "&lang=az")
	if az[0][0] != "Təyinat" || az[0][12] != "Hesablanan dəqiqələr" || az[1][11] != "Tamamlanıb" || az[1][10] != "18–21" {
		t.Errorf("in Azerbaijani: %q / %q", az[0], az[1])
	}
	statuses := map[string]bool{}
	for _, r := range az[1:] {
		statuses[r[11]] = true
	}
	for _, s := range []string{"Tamamlanıb", "Gəlməyib", "Ləğv edilib", "Təsdiqlənib"} {
		if !statuses[s] {
			t.Errorf("no %q among the statuses %v", s, statuses)
		}
	}
	keys := read(q + "&lang=keys")
	if keys[0][0] != "assignment_id" || keys[1][11] != "COMPLETED" {
		t.Errorf("keys: %q / %q", keys[0], keys[1])
	}
	hours := read("/reports/volunteer-hours.csv?from=2025-03-01&to=2025-03-31&lang=en")
	if hours[0][1] != "Volunteer" || hours[0][8] != "No-shows" {
		t.Errorf("volunteer hours in English: %q", hours[0])
	}
	w := f.get("staff", q+"&lang=fr")
	wantError(t, w, http.StatusBadRequest, konullu.EINVALID, "lang")
}

// TestCalendarFeedInTheReadersLanguage: a volunteer's feed says in their
// language that the centre cancelled a shift (not that they withdrew).
func TestCalendarFeedInTheReadersLanguage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	feed, err := f.db.CreateCalendarFeed(ctx, f.volunteer.ID, f.volunteer.VolunteerID, 0)
	if err != nil {
		t.Fatal(err)
	}
	description := func(path string) string {
		t.Helper()
		w := f.get("", path)
		cal, err := ics.ParseCalendar(bytes.NewReader(w.Body.Bytes()))
		if err != nil {
			t.Fatalf("%s: %v %s", path, err, w.Body)
		}
		for _, e := range cal.Events() {
			if e.Id() == reports.AssignmentUID(f.cancelled.ID) {
				return e.GetProperty(ics.ComponentPropertyDescription).Value
			}
		}
		t.Fatalf("no event of the cancelled shift")
		return ""
	}
	if _, err := f.db.SetAppLanguage(ctx, f.volunteer.ID, konullu.LanguageRu); err != nil {
		t.Fatal(err)
	}
	path := "/calendar/" + feed.Token + ".ics"
	if d := description(path); !strings.Contains(d, "Центр отменил эту смену.") || !strings.Contains(d, "Должность: Növbə köməkçisi") ||
		strings.Contains(d, "отказались") {
		t.Errorf("in Russian: %q", d)
	}
	if d := description(path + "?lang=az"); !strings.Contains(d, "Mərkəz bu növbəni ləğv edib.") {
		t.Errorf("in Azerbaijani: %q", d)
	}
	if d := description(path + "?lang=en"); !strings.Contains(d, "The centre cancelled this shift.") || strings.Contains(d, "You withdrew") {
		t.Errorf("in English: %q", d)
	}
}
