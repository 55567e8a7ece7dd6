package reports

import (
	_ "embed"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/signintech/gopdf"
	"github.com/skip2/go-qrcode"

	"github.com/konullu/konullu"
)

// DejaVu Sans has every Azerbaijani, Russian and English letter; see fonts/README.md.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// certificateText is the wording of a certificate in one language.
type certificateText struct {
	title, certifies, volunteered, atCentre, allCentres, between string
	hours                                                        func(string) string
	shifts                                                       func(int) string
	proven                                                       func(int) string // shifts with presence proven at the centre
	award                                                        func(int) string
	code, scan, issued                                           string
	months                                                       [12]string
	decimal                                                      string
	revoked                                                      string
}

var certificateTexts = map[konullu.Language]certificateText{
	konullu.LanguageAz: {
		title: "KÖNÜLLÜLÜK SERTİFİKATI", certifies: "Bu sertifikat təsdiq edir ki,",
		volunteered: "könüllü kimi", atCentre: "%s", allCentres: "ASAN xidmət mərkəzlərində",
		between: "%s – %s tarixləri arasında",
		hours:   func(h string) string { return h + " saat könüllü fəaliyyət göstərmişdir." },
		shifts:  func(n int) string { return strconv.Itoa(n) + " növbə" },
		proven: func(n int) string {
			return fmt.Sprintf("%d növbədə iştirak mərkəzdə təsdiqlənib (kiosk və ya koordinator)", n)
		},
		award: func(h int) string { return fmt.Sprintf("Mükafat səviyyəsi: %d saat", h) },
		code:  "Yoxlama kodu", scan: "Sertifikatı yoxlamaq üçün QR kodu oxudun və ya ünvana daxil olun:",
		issued:  "Verilmə tarixi",
		months:  [12]string{"yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avqust", "sentyabr", "oktyabr", "noyabr", "dekabr"},
		decimal: ",", revoked: "Bu sertifikat ləğv edilib",
	},
	konullu.LanguageEn: {
		title: "CERTIFICATE OF VOLUNTEERING", certifies: "This is to certify that",
		volunteered: "volunteered", atCentre: "at %s", allCentres: "at ASAN public-service centres",
		between: "between %s and %s",
		hours:   func(h string) string { return "for " + h + " hours." },
		shifts:  func(n int) string { return strconv.Itoa(n) + " shifts" },
		proven: func(n int) string {
			return fmt.Sprintf("presence proven at the centre (kiosk or coordinator) for %d", n)
		},
		award: func(h int) string { return fmt.Sprintf("Award level: %d hours", h) },
		code:  "Verification code", scan: "To verify this certificate, scan the QR code or visit:",
		issued:  "Issued on",
		months:  [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		decimal: ".", revoked: "This certificate has been revoked",
	},
	konullu.LanguageRu: {
		title: "СЕРТИФИКАТ ВОЛОНТЁРА", certifies: "Настоящим подтверждается, что",
		volunteered: "участвовал(а) в волонтёрской деятельности", atCentre: "в центре «%s»", allCentres: "в центрах обслуживания ASAN",
		between: "в период с %s по %s",
		hours:   func(h string) string { return "в объёме " + h + " ч." },
		shifts:  func(n int) string { return "смен: " + strconv.Itoa(n) },
		proven: func(n int) string {
			return fmt.Sprintf("присутствие подтверждено в центре (киоск или координатор): %d", n)
		},
		award: func(h int) string { return fmt.Sprintf("Уровень награды: %d часов", h) },
		code:  "Код проверки", scan: "Чтобы проверить сертификат, отсканируйте QR-код или откройте:",
		issued:  "Дата выдачи",
		months:  [12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"},
		decimal: ",", revoked: "Этот сертификат отозван",
	},
}

func textFor(lang konullu.Language) certificateText {
	if t, ok := certificateTexts[lang]; ok {
		return t
	}
	return certificateTexts[konullu.DefaultLanguage]
}

// formatDate writes a date as "2 March 2025" in the language.
func (t certificateText) formatDate(d time.Time) string {
	return fmt.Sprintf("%d %s %d", d.Day(), t.months[d.Month()-1], d.Year())
}

// formatHours writes minutes as hours, with one decimal when not whole.
func (t certificateText) formatHours(minutes int) string {
	if minutes%60 == 0 {
		return strconv.Itoa(minutes / 60)
	}
	return strings.Replace(strconv.FormatFloat(float64(minutes)/60, 'f', 1, 64), ".", t.decimal, 1)
}

// QRBitmap returns the modules of the QR code of a text (true: dark), with
// the quiet zone; the certificate draws them as squares.
func QRBitmap(text string) ([][]bool, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	return q.Bitmap(), nil
}

// WriteCertificate renders a certificate as an A4 landscape PDF in its
// language, with the verification code and a QR code of verifyURL.
func WriteCertificate(w io.Writer, c *konullu.Certificate, verifyURL string) error {
	t := textFor(c.Language)
	pdf, missing, err := newDocument(*gopdf.PageSizeA4Landscape, t.title+" — "+c.FullName, c.IssuedAt)
	if err != nil {
		return err
	}
	pdf.AddPage()
	const pageW, pageH = 842.0, 595.0

	// A double frame in the programme's blue.
	pdf.SetStrokeColor(0x1f, 0x4e, 0x8c)
	pdf.SetLineWidth(3)
	pdf.RectFromUpperLeft(24, 24, pageW-48, pageH-48)
	pdf.SetLineWidth(0.8)
	pdf.RectFromUpperLeft(34, 34, pageW-68, pageH-68)

	centred := func(font string, size float64, y float64, text string, r, g, b uint8) error {
		if err := pdf.SetFont(font, "", size); err != nil {
			return err
		}
		pdf.SetTextColor(r, g, b)
		pdf.SetXY(60, y)
		return pdf.CellWithOption(&gopdf.Rect{W: pageW - 120, H: size * 1.3}, text, gopdf.CellOption{Align: gopdf.Center})
	}
	centre := t.allCentres
	if c.CentreID != 0 {
		centre = fmt.Sprintf(t.atCentre, c.CentreName)
	}
	lines := []struct {
		font string
		size float64
		y    float64
		text string
	}{
		{"sans-bold", 30, 80, t.title},
		{"sans", 15, 150, t.certifies},
		{"sans-bold", 28, 180, c.FullName},
		{"sans", 15, 235, t.volunteered + " " + centre},
		{"sans", 15, 258, fmt.Sprintf(t.between, t.formatDate(c.From), t.formatDate(c.To))},
		{"sans-bold", 18, 284, t.hours(t.formatHours(c.Minutes))},
		{"sans", 12, 312, t.shiftsLine(c)},
	}
	if c.AwardHours > 0 {
		lines = append(lines, struct {
			font string
			size float64
			y    float64
			text string
		}{"sans-bold", 14, 334, t.award(c.AwardHours)})
	}
	for _, l := range lines {
		if err := centred(l.font, l.size, l.y, l.text, 0x1a, 0x1a, 0x1a); err != nil {
			return err
		}
	}
	if c.Revoked() {
		if err := centred("sans-bold", 20, 360, t.revoked, 0xb0, 0x1c, 0x1c); err != nil {
			return err
		}
	}

	const qrSize = 120.0
	qrX, qrY := 70.0, pageH-70-qrSize
	err = drawVerifyBlock(pdf, verifyURL, qrX, qrY, qrSize, []verifyLine{
		{"sans", 10, 14, t.code},
		{"sans-bold", 20, 30, c.Code},
		{"sans", 9, 64, t.scan},
		{"sans", 9, 78, verifyURL},
		{"sans", 9, 100, t.issued + ": " + t.formatDate(c.IssuedAt)},
	})
	if err != nil {
		return err
	}
	if len(*missing) > 0 {
		return fmt.Errorf("reports: the certificate's font has no glyph for %q", string(*missing))
	}
	return pdf.Write(w)
}

// newDocument starts a PDF with the embedded fonts ("sans", "sans-bold").
// A letter the font lacks would silently vanish from a name: the runes it
// lacks are collected in missing, and the writer refuses them.
func newDocument(size gopdf.Rect, title string, created time.Time) (*gopdf.GoPdf, *[]rune, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: size})
	pdf.SetInfo(gopdf.PdfInfo{Title: title, Author: "Könüllü", Creator: "Könüllü", CreationDate: created})
	missing := &[]rune{}
	opt := gopdf.TtfOption{UseKerning: true, OnGlyphNotFound: func(r rune) { *missing = append(*missing, r) }}
	if err := pdf.AddTTFFontDataWithOption("sans", fontRegular, opt); err != nil {
		return nil, nil, fmt.Errorf("reports: font: %w", err)
	}
	if err := pdf.AddTTFFontDataWithOption("sans-bold", fontBold, opt); err != nil {
		return nil, nil, fmt.Errorf("reports: font: %w", err)
	}
	return pdf, missing, nil
}

// drawQR draws the QR code of text with its upper left corner at x, y,
// module by module so that it stays sharp at any zoom.
// verifyLine is one line of text beside the QR code of a verification
// block, dy below the code's top.
type verifyLine struct {
	font     string
	size, dy float64
	text     string
}

// drawVerifyBlock draws the verification block of certificates and
// letters: the QR code of verifyURL at (x, y) and the lines beside it.
func drawVerifyBlock(pdf *gopdf.GoPdf, verifyURL string, x, y, size float64, lines []verifyLine) error {
	if err := drawQR(pdf, verifyURL, x, y, size); err != nil {
		return err
	}
	pdf.SetTextColor(0x1a, 0x1a, 0x1a)
	for _, l := range lines {
		if err := pdf.SetFont(l.font, "", l.size); err != nil {
			return err
		}
		pdf.SetXY(x+size+16, y+l.dy)
		if err := pdf.Cell(nil, l.text); err != nil {
			return err
		}
	}
	return nil
}

func drawQR(pdf *gopdf.GoPdf, text string, x, y, size float64) error {
	bitmap, err := QRBitmap(text)
	if err != nil {
		return fmt.Errorf("reports: qr code: %w", err)
	}
	module := size / float64(len(bitmap))
	pdf.SetFillColor(0, 0, 0)
	for j, row := range bitmap {
		for i, dark := range row {
			if dark {
				pdf.RectFromUpperLeftWithStyle(x+float64(i)*module, y+float64(j)*module, module+0.05, module+0.05, "F")
			}
		}
	}
	return nil
}

// Certificate serves GET /certificates/{code} (code ending in .pdf): the
// PDF of a certificate, for its volunteer, staff and admins (bearer token).
func Certificate(d Deps) http.Handler {
	d = d.withDefaults()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := d.viewer(r)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		code, ok := strings.CutSuffix(r.PathValue("file"), ".pdf")
		if !ok {
			d.fail(w, r, konullu.NotFound("certificate"))
			return
		}
		c, err := d.Reports.CertificateByCode(r.Context(), code)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		// AUTHZ: a certificate is its volunteer's; staff and admins may fetch any.
		if c.VolunteerID != v.VolunteerID && !v.IsStaff() {
			d.fail(w, r, konullu.NotFound("certificate"))
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `inline; filename="certificate-`+c.Code+`.pdf"`)
		w.Header().Set("Cache-Control", "private, no-store")
		if err := WriteCertificate(w, c, VerifyURL(d.baseURL(r), c.Code)); err != nil {
			d.Logger.ErrorContext(r.Context(), "certificate failed", "certificate", c.ID, "error", err.Error())
			panic(http.ErrAbortHandler)
		}
	})
}

// shiftsLine counts the certified shifts and, when any, those whose
// presence was proven at the centre (kiosk or coordinator).
func (t certificateText) shiftsLine(c *konullu.Certificate) string {
	if c.Proven == 0 {
		return t.shifts(c.Assignments)
	}
	return t.shifts(c.Assignments) + " · " + t.proven(c.Proven)
}
