package reports

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/signintech/gopdf"

	"github.com/konullu/konullu"
)

// letterText is the wording of a recommendation letter in one language.
type letterText struct {
	title, volunteer, record, hours, shifts, centres, positions, period, qualifications, author, programme string
	kind, issuedBy, scan                                                                                   string
}

var letterTexts = map[konullu.Language]letterText{
	konullu.LanguageAz: {title: "TÖVSİYƏ MƏKTUBU", volunteer: "Könüllü", record: "Könüllülük proqramında fəaliyyəti",
		hours: "Könüllülük saatları", shifts: "Növbələr", centres: "Mərkəzlər", positions: "Vəzifələr", period: "Dövr",
		qualifications: "İxtisaslar", author: "Məktubu yazan", programme: "ASAN könüllüləri proqramının koordinatoru",
		kind: "Tövsiyə məktubu", issuedBy: "Yazan", scan: "Məktubu yoxlamaq üçün QR kodu oxudun və ya ünvana daxil olun:"},
	konullu.LanguageEn: {title: "LETTER OF RECOMMENDATION", volunteer: "Volunteer", record: "Record in the volunteering programme",
		hours: "Hours volunteered", shifts: "Shifts", centres: "Centres", positions: "Positions", period: "Period",
		qualifications: "Qualifications", author: "Written by", programme: "Coordinator, ASAN volunteers programme",
		kind: "Letter of recommendation", issuedBy: "Written by", scan: "To verify this letter, scan the QR code or visit:"},
	konullu.LanguageRu: {title: "РЕКОМЕНДАТЕЛЬНОЕ ПИСЬМО", volunteer: "Волонтёр", record: "Участие в волонтёрской программе",
		hours: "Часы волонтёрства", shifts: "Смены", centres: "Центры", positions: "Должности", period: "Период",
		qualifications: "Квалификации", author: "Автор письма", programme: "Координатор программы волонтёров ASAN",
		kind: "Рекомендательное письмо", issuedBy: "Автор", scan: "Чтобы проверить письмо, отсканируйте QR-код или откройте:"},
}

func letterTextFor(lang konullu.Language) letterText {
	if t, ok := letterTexts[lang]; ok {
		return t
	}
	return letterTexts[konullu.DefaultLanguage]
}

// LetterURL is the address a letter's PDF is downloaded from (bearer token required).
func LetterURL(base, code string) string {
	return strings.TrimRight(base, "/") + "/letters/" + code + ".pdf"
}

// WriteLetter renders a recommendation letter as an A4 PDF in its language:
// the programme's figures as issued, the coordinator's text, and the
// verification code with a QR code of verifyURL, drawn as on certificates.
func WriteLetter(w io.Writer, l *konullu.RecommendationLetter, verifyURL string) error {
	t, ct := letterTextFor(l.Language), textFor(l.Language)
	pdf, missing, err := newDocument(*gopdf.PageSizeA4, t.title+" — "+l.FullName, l.IssuedAt)
	if err != nil {
		return err
	}
	const pageW, pageH, margin = 595.0, 842.0, 60.0
	const width = pageW - 2*margin
	y := 0.0
	page := func() {
		pdf.AddPage()
		pdf.SetStrokeColor(0x1f, 0x4e, 0x8c)
		pdf.SetLineWidth(2)
		pdf.RectFromUpperLeft(24, 24, pageW-48, pageH-48)
		y = margin
	}
	page()
	line := func(font string, size float64, text string, align int) error {
		if y+size*1.5 > pageH-margin {
			page()
		}
		if err := pdf.SetFont(font, "", size); err != nil {
			return err
		}
		pdf.SetTextColor(0x1a, 0x1a, 0x1a)
		pdf.SetXY(margin, y)
		if err := pdf.CellWithOption(&gopdf.Rect{W: width, H: size * 1.3}, text, gopdf.CellOption{Align: align}); err != nil {
			return err
		}
		y += size * 1.5
		return nil
	}
	wrapped := func(font string, size float64, text string) error {
		if err := pdf.SetFont(font, "", size); err != nil {
			return err
		}
		for _, para := range strings.Split(text, "\n") {
			para = strings.ReplaceAll(para, "\t", "    ")
			if strings.TrimSpace(para) == "" {
				y += size * 0.8
				continue
			}
			rows, err := pdf.SplitTextWithWordWrap(para, width)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if err := line(font, size, r, gopdf.Left); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := line("sans-bold", 22, t.title, gopdf.Center); err != nil {
		return err
	}
	y += 10
	if err := line("sans-bold", 16, t.volunteer+": "+l.FullName, gopdf.Left); err != nil {
		return err
	}
	y += 4
	if err := line("sans-bold", 11, t.record, gopdf.Left); err != nil {
		return err
	}
	facts := []string{
		t.hours + ": " + ct.formatHours(l.Minutes),
		t.shifts + ": " + strconv.Itoa(l.Shifts),
	}
	if !l.From.IsZero() {
		facts = append(facts, t.period+": "+ct.formatDate(l.From)+" – "+ct.formatDate(l.To))
	}
	if len(l.Centres) > 0 {
		facts = append(facts, t.centres+": "+strings.Join(l.Centres, ", "))
	}
	if len(l.Positions) > 0 {
		facts = append(facts, t.positions+": "+strings.Join(l.Positions, ", "))
	}
	if len(l.Qualifications) > 0 {
		facts = append(facts, t.qualifications+": "+strings.Join(l.Qualifications, ", "))
	}
	for _, f := range facts {
		if err := wrapped("sans", 10.5, "• "+f); err != nil {
			return err
		}
	}
	y += 12
	if err := wrapped("sans", 11.5, l.Text); err != nil {
		return err
	}
	y += 14
	author := l.AuthorName
	if author == "" {
		author = t.programme
	}
	if err := line("sans", 11, t.author+": "+author, gopdf.Left); err != nil {
		return err
	}
	if l.AuthorName != "" {
		if err := line("sans", 9.5, t.programme, gopdf.Left); err != nil {
			return err
		}
	}
	// The verification block: code and QR code, as on certificates.
	const qrSize = 110.0
	if y+qrSize+30 > pageH-margin {
		page()
	}
	qrY := pageH - margin - qrSize
	err = drawVerifyBlock(pdf, verifyURL, margin, qrY, qrSize, []verifyLine{
		{"sans", 10, 12, ct.code},
		{"sans-bold", 18, 28, l.Code},
		{"sans", 8.5, 58, t.scan},
		{"sans", 8.5, 72, verifyURL},
		{"sans", 8.5, 92, ct.issued + ": " + ct.formatDate(l.IssuedAt)},
	})
	if err != nil {
		return err
	}
	if len(*missing) > 0 {
		return fmt.Errorf("reports: the letter's font has no glyph for %q", string(*missing))
	}
	return pdf.Write(w)
}

// Letter serves GET /letters/{code}.pdf: the PDF of a recommendation
// letter for its volunteer, its author, staff, admins and the coordinators
// the contact rule ties to the volunteer (bearer token).
func Letter(d Deps) http.Handler {
	d = d.withDefaults()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := d.viewer(r)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		ms, ok := d.Store.(konullu.MentoringStore)
		code, pdf := strings.CutSuffix(r.PathValue("file"), ".pdf")
		if !ok || !pdf {
			d.fail(w, r, konullu.NotFound("letter"))
			return
		}
		l, err := ms.LetterByCode(r.Context(), code)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		// AUTHZ: the volunteer, the author, staff and admins, and coordinators
		// of a centre the contact rule names for the volunteer.
		allowed := v.IsStaff() || v.UserID == l.AuthorID || v.VolunteerID != 0 && v.VolunteerID == l.VolunteerID
		if !allowed && v.IsCoordinator() {
			centres, err := d.Store.ContactCentres(r.Context(), []int64{l.VolunteerID})
			if err != nil {
				d.fail(w, r, err)
				return
			}
			allowed = slices.ContainsFunc(centres[l.VolunteerID], v.Coordinates)
		}
		if !allowed {
			d.fail(w, r, konullu.NotFound("letter"))
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `inline; filename="letter-`+l.Code+`.pdf"`)
		w.Header().Set("Cache-Control", "private, no-store")
		if err := WriteLetter(w, l, VerifyURL(d.baseURL(r), l.Code)); err != nil {
			d.Logger.ErrorContext(r.Context(), "letter failed", "letter", l.ID, "error", err.Error())
			panic(http.ErrAbortHandler)
		}
	})
}
