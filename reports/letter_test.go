package reports_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/reports"
	"github.com/konullu/konullu/schema"
)

// pdfText extracts the text of a PDF with poppler's pdftotext (skipped
// without it, except in CI, which installs poppler-utils).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing: apt-get install poppler-utils")
		}
		t.Skip("pdftotext is missing (apt-get install poppler-utils)")
	}
	in := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestLetterPDFAndVerification: a coordinator's letter in Azerbaijani and
// in Russian prints every letter of both alphabets, the figures as issued
// and a QR code that opens the verification page, which says it is a
// genuine letter, by whom and when; the PDF is for its readers only.
func TestLetterPDFAndVerification(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.h.(*http.ServeMux).Handle("GET /letters/{file}", reports.Letter(reports.Deps{Reports: f.db, Store: f.db,
		Authenticate: schema.RequestViewer(f.db), PublicURL: "https://konullu.example.az"}))
	adminID, _, err := f.db.Credentials(ctx, "admin@konullu.az")
	if err != nil {
		t.Fatal(err)
	}
	texts := map[konullu.Language]string{
		konullu.LanguageAz: "Əə Ğğ Iı İi Öö Üü Çç Şş — Aysel bizim mərkəzdə səliqəli və mehriban işləyib, vətəndaşlara həmişə kömək edib. " +
			strings.Repeat("Onu hər bir işəgötürənə tövsiyə edirəm. ", 60),
		konullu.LanguageRu: "Ёё Жж Щщ Ыы Ээ Юю Яя — Айсель работала аккуратно и доброжелательно.\n\nРекомендую её без оговорок.",
	}
	for lang, text := range texts {
		l := &konullu.RecommendationLetter{VolunteerID: f.volunteer.VolunteerID, Text: text, Language: lang, AuthorID: adminID}
		if err := f.db.IssueLetter(ctx, l); err != nil {
			t.Fatal(err)
		}
		w := f.get("volunteer", "/letters/"+l.Code+".pdf")
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/pdf" {
			t.Fatalf("%s: %d %s", lang, w.Code, w.Body.String())
		}
		got := strings.Join(strings.Fields(pdfText(t, w.Body.Bytes())), " ")
		want := []string{"Aysel Məmmədova", l.Code, "https://konullu.example.az/verify/" + l.Code, "Bakı 1 saylı ASAN xidmət mərkəzi",
			"Növbə köməkçisi", "Admin"}
		for _, word := range strings.Fields(text) {
			want = append(want, word) // every word of the text, each letter of both alphabets among them
		}
		if lang == konullu.LanguageAz {
			want = append(want, "TÖVSİYƏ MƏKTUBU", "Könüllülük saatları: 4", "3 mart 2025 – 3 mart 2025")
		} else {
			want = append(want, "РЕКОМЕНДАТЕЛЬНОЕ ПИСЬМО", "Часы волонтёрства: 4", "3 марта 2025 – 3 марта 2025")
		}
		for _, s := range want {
			if !strings.Contains(got, s) {
				t.Errorf("%s: the PDF's text lacks %q:\n%s", lang, s, got)
			}
		}
		for _, hidden := range []string{"aysel@example.az", "555"} {
			if strings.Contains(got, hidden) {
				t.Errorf("%s: the letter prints %q", lang, hidden)
			}
		}
		if lang != konullu.LanguageRu {
			continue
		}
		// The QR code on the page is the verification page, which calls it a genuine letter.
		scanned := qrOnPage(t, w.Body.Bytes())
		if scanned != "https://konullu.example.az/verify/"+l.Code {
			t.Fatalf("the letter's QR code says %q", scanned)
		}
		page := f.get("", strings.TrimPrefix(scanned, "https://konullu.example.az")+"?lang=en")
		body := page.Body.String()
		for _, s := range []string{`data-status="VALID"`, "recommendation letter is genuine", `data-kind="LETTER"`, "Aysel Məmmədova",
			`<dd id="author">Admin</dd>`, `<dd id="hours">4</dd>`} {
			if page.Code != http.StatusOK || !strings.Contains(body, s) {
				t.Errorf("verification page lacks %q: %d %s", s, page.Code, body)
			}
		}
		if strings.Contains(body, "Рекомендую") || strings.Contains(body, "aysel@example.az") {
			t.Errorf("the verification page shows the text or contact details: %s", body)
		}
		// Its readers: the volunteer, its author, staff; not another volunteer nor an unrelated coordinator.
		for role, want := range map[string]int{"admin": 200, "staff": 200, "other": 404, "coordinator": 404, "": 401} {
			if w := f.get(role, "/letters/"+l.Code+".pdf"); w.Code != want {
				t.Errorf("%q: %d, want %d", role, w.Code, want)
			}
		}
	}
	if w := f.get("volunteer", "/letters/AAAAA-AAAAA.pdf"); w.Code != http.StatusNotFound {
		t.Errorf("unknown letter: %d", w.Code)
	}
}
