package reports

import (
	"html/template"
	"net/http"
	"time"

	"github.com/konullu/konullu"
)

// verifyText is the wording of the verification page in one language.
type verifyText struct {
	Title, Valid, Revoked, NotFound, Name, Hours, Period, Code string
	Issued                                                     string
}

// letterVerifyText is what the page says of a recommendation letter.
type letterVerifyText struct{ Valid, Kind, IssuedBy string }

var letterVerifyTexts = map[konullu.Language]letterVerifyText{
	konullu.LanguageAz: {"Bu tövsiyə məktubu həqiqidir: Könüllü platformasında verilib.", "Sənəd", "Yazan"},
	konullu.LanguageEn: {"This recommendation letter is genuine: it was issued through Könüllü.", "Document", "Written by"},
	konullu.LanguageRu: {"Это рекомендательное письмо подлинное: оно выдано через Könüllü.", "Документ", "Автор"},
}

var verifyTexts = map[konullu.Language]verifyText{
	konullu.LanguageAz: {"Sertifikatın yoxlanması", "Bu sertifikat etibarlıdır.", "Bu sertifikat ləğv edilib.",
		"Bu kodla sertifikat və ya məktub tapılmadı.", "Ad və soyad", "Saat", "Dövr", "Kod", "Verilmə tarixi"},
	konullu.LanguageEn: {"Certificate verification", "This certificate is valid.", "This certificate has been revoked.",
		"No certificate or letter has this code.", "Name", "Hours", "Period", "Code", "Issued on"},
	konullu.LanguageRu: {"Проверка сертификата", "Сертификат действителен.", "Сертификат отозван.",
		"Сертификат или письмо с таким кодом не найдены.", "Имя", "Часы", "Период", "Код", "Дата выдачи"},
}

var verifyPage = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{.T.Title}} — Könüllü</title>
<style>*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f6f8;color:#1a1a1a;line-height:1.5}
header{background:#0b5cad;color:#fff;padding:.8rem 1rem;display:flex;justify-content:space-between;align-items:center;flex-wrap:wrap;gap:.5rem}
header strong{font-size:1.1rem}nav a{color:#fff;margin-left:.8rem;text-decoration:underline}nav a[aria-current]{font-weight:700;text-decoration:none}
main{max-width:34rem;margin:1.5rem auto;padding:0 1rem}.card{background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.12);padding:1.25rem 1.5rem}
h1{font-size:1.3rem;margin:0 0 .75rem}.status{font-weight:600;padding:.6rem .8rem;border-radius:8px;margin:0 0 1rem}
.ok{color:#14532d;background:#dcfce7}.bad{color:#7f1d1d;background:#fee2e2}
dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem;margin:0}dt{font-weight:600;color:#444}dd{margin:0;overflow-wrap:anywhere}</style></head>
<body><header><strong>Könüllü</strong><nav>{{$cur := .Lang}}{{range .Langs}}<a href="?lang={{.}}" lang="{{.}}"{{if eq . $cur}} aria-current="page"{{end}}>{{.}}</a>{{end}}</nav></header>
<main><div class="card"><h1>{{.T.Title}}</h1>
{{if not .Found}}<p class="status bad" id="status" data-status="NOT_FOUND">{{.T.NotFound}}</p>
{{else}}{{if .Revoked}}<p class="status bad" id="status" data-status="REVOKED">{{.T.Revoked}}</p>
{{else if .Letter}}<p class="status ok" id="status" data-status="VALID">{{.L.Valid}}</p>
{{else}}<p class="status ok" id="status" data-status="VALID">{{.T.Valid}}</p>{{end}}
<dl><dt>{{.T.Code}}</dt><dd id="code">{{.Code}}</dd>
<dt>{{.T.Name}}</dt><dd id="name">{{.Name}}</dd>
<dt>{{.T.Hours}}</dt><dd id="hours">{{.Hours}}</dd>
{{if .From}}<dt>{{.T.Period}}</dt><dd id="period">{{.From}} – {{.To}}</dd>{{end}}
{{if .Letter}}<dt>{{.L.Kind}}</dt><dd id="kind" data-kind="LETTER">{{.L.Kind}}</dd>
<dt>{{.L.IssuedBy}}</dt><dd id="author">{{.Author}}</dd>
<dt>{{.T.Issued}}</dt><dd id="issued">{{.Issued}}</dd>{{end}}</dl>{{end}}
</div></main></body></html>
`))

// Verify serves GET /verify/{code}, the public page a certificate's QR code
// points to. It confirms the name, hours and period of the certificate, or
// says it was revoked, and shows nothing else about the volunteer. It needs
// no sign-in; the code's 50 random bits make guessing useless.
func Verify(d Deps) http.Handler {
	d = d.withDefaults()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data := struct {
			Lang                        konullu.Language
			Langs                       []konullu.Language
			T                           verifyText
			L                           letterVerifyText
			Found, Revoked, Letter      bool
			Code, Name, Hours, From, To string
			Author, Issued              string
			from, to                    time.Time
		}{Langs: []konullu.Language{konullu.LanguageAz, konullu.LanguageEn, konullu.LanguageRu}}
		c, err := d.Reports.CertificateByCode(r.Context(), r.PathValue("code"))
		// Letters share the certificates' codes: a code no certificate has may be a letter's.
		var letter *konullu.RecommendationLetter
		if ms, ok := d.Store.(konullu.MentoringStore); ok && konullu.ErrorCode(err) == konullu.ENOTFOUND {
			if letter, err = ms.LetterByCode(r.Context(), r.PathValue("code")); err != nil {
				letter = nil
			}
		}
		status := http.StatusOK
		lang := konullu.DefaultLanguage
		switch {
		case letter != nil:
			lang = letter.Language
			data.Found, data.Letter = true, true
			data.Code, data.Name, data.Author = letter.Code, letter.FullName, letter.AuthorName
			if !letter.From.IsZero() {
				data.from, data.to = letter.From, letter.To
			}
		case konullu.ErrorCode(err) == konullu.ENOTFOUND:
			status = http.StatusNotFound
		case err != nil:
			d.fail(w, r, err)
			return
		default:
			lang = c.Language
			data.Found, data.Revoked = true, c.Revoked()
			data.Code, data.Name = c.Code, c.FullName
			data.from, data.to = c.From, c.To
		}
		if l, err := konullu.ParseLanguage("lang", r.URL.Query().Get("lang")); err == nil {
			lang = l
		}
		data.Lang, data.T, data.L = lang, verifyTexts[lang], letterVerifyTexts[lang]
		// The period in the reader's words (9 mart 2025), as the PDF writes it.
		if !data.from.IsZero() {
			data.From, data.To = textFor(lang).formatDate(data.from), textFor(lang).formatDate(data.to)
		}
		switch {
		case data.Letter:
			data.Hours = textFor(lang).formatHours(letter.Minutes)
			data.Issued = textFor(lang).formatDate(letter.IssuedAt)
			if data.Author == "" {
				data.Author = letterTextFor(lang).programme
			}
		case data.Found:
			data.Hours = textFor(lang).formatHours(c.Minutes)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.WriteHeader(status)
		verifyPage.Execute(w, data)
	})
}
