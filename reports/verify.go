package reports

import (
	"html/template"
	"net/http"

	"github.com/konullu/konullu"
)

// verifyText is the wording of the verification page in one language.
type verifyText struct {
	Title, Valid, Revoked, NotFound, Name, Hours, Period, Code, Footer string
}

var verifyTexts = map[konullu.Language]verifyText{
	konullu.LanguageAz: {"Sertifikatın yoxlanması", "Bu sertifikat etibarlıdır.", "Bu sertifikat ləğv edilib.",
		"Bu kodla sertifikat tapılmadı.", "Ad və soyad", "Saat", "Dövr", "Kod",
		"Könüllü — ASAN xidmət mərkəzlərinin könüllüləri üçün platforma. Bu səhifə yalnız sertifikatın özünü təsdiqləyir."},
	konullu.LanguageEn: {"Certificate verification", "This certificate is valid.", "This certificate has been revoked.",
		"No certificate has this code.", "Name", "Hours", "Period", "Code",
		"Könüllü — the platform of the ASAN service centres' volunteers. This page confirms the certificate and nothing else."},
	konullu.LanguageRu: {"Проверка сертификата", "Сертификат действителен.", "Сертификат отозван.",
		"Сертификат с таким кодом не найден.", "Имя", "Часы", "Период", "Код",
		"Könüllü — платформа волонтёров центров ASAN xidmət. Эта страница подтверждает только сам сертификат."},
}

var verifyPage = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{.T.Title}} — Könüllü</title>
<style>
:root{color-scheme:light;--brand:#0b5cad;--ink:#1d2433;--muted:#5b6478;--line:#d0d7e2}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:var(--ink);background:#f4f6fa}
header{background:var(--brand);color:#fff;padding:.9rem 1rem}
header .in{max-width:36rem;margin:0 auto;display:flex;justify-content:space-between;align-items:center;gap:1rem}
.brand{font-weight:700;font-size:1.15rem;letter-spacing:.01em}
nav a{color:#fff;margin-left:.75rem;text-decoration:none;opacity:.85;text-transform:uppercase;font-size:.85rem}
nav a[aria-current]{opacity:1;text-decoration:underline}
main{max-width:36rem;margin:2rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:1.5rem;box-shadow:0 1px 2px rgba(0,0,0,.04)}
h1{font-size:1.35rem;margin:0 0 1rem}
.status{display:flex;align-items:center;gap:.6rem;font-weight:600;padding:.75rem 1rem;border-radius:8px;margin:0 0 1.25rem}
.status::before{font-size:1.2rem;line-height:1}
.ok{background:#e7f5ea;color:#1b6e2d}.ok::before{content:"✓"}
.bad{background:#fbeaea;color:#b01c1c}.bad::before{content:"✕"}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.6rem 1.25rem;margin:0}
dt{color:var(--muted)}dd{margin:0;font-weight:600;overflow-wrap:anywhere}
#code{font-family:ui-monospace,monospace;letter-spacing:.05em}
footer{max-width:36rem;margin:0 auto 2rem;padding:0 1rem;color:var(--muted);font-size:.85rem}
</style></head>
<body><header><div class="in"><span class="brand">Könüllü</span>
<nav>{{$lang := .Lang}}{{range .Langs}}<a href="?lang={{.}}" lang="{{.}}"{{if eq . $lang}} aria-current="true"{{end}}>{{.}}</a>{{end}}</nav></div></header>
<main><div class="card">
<h1>{{.T.Title}}</h1>
{{if not .Found}}<p class="status bad" id="status" data-status="NOT_FOUND">{{.T.NotFound}}</p>
{{else}}{{if .Revoked}}<p class="status bad" id="status" data-status="REVOKED">{{.T.Revoked}}</p>
{{else}}<p class="status ok" id="status" data-status="VALID">{{.T.Valid}}</p>{{end}}
<dl><dt>{{.T.Code}}</dt><dd id="code">{{.Code}}</dd>
<dt>{{.T.Name}}</dt><dd id="name">{{.Name}}</dd>
<dt>{{.T.Hours}}</dt><dd id="hours">{{.Hours}}</dd>
<dt>{{.T.Period}}</dt><dd id="period"><time datetime="{{.FromISO}}">{{.From}}</time> – <time datetime="{{.ToISO}}">{{.To}}</time></dd></dl>{{end}}
</div></main>
<footer>{{.T.Footer}}</footer>
</body></html>
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
			Found, Revoked              bool
			Code, Name, Hours, From, To string
			FromISO, ToISO              string
		}{Langs: []konullu.Language{konullu.LanguageAz, konullu.LanguageEn, konullu.LanguageRu}}
		c, err := d.Reports.CertificateByCode(r.Context(), r.PathValue("code"))
		status := http.StatusOK
		lang := konullu.DefaultLanguage
		switch {
		case konullu.ErrorCode(err) == konullu.ENOTFOUND:
			status = http.StatusNotFound
		case err != nil:
			d.fail(w, r, err)
			return
		default:
			lang = c.Language
			data.Found, data.Revoked = true, c.Revoked()
			data.Code, data.Name = c.Code, c.FullName
			data.FromISO, data.ToISO = c.From.Format("2006-01-02"), c.To.Format("2006-01-02")
		}
		if l, err := konullu.ParseLanguage("lang", r.URL.Query().Get("lang")); err == nil {
			lang = l
		}
		data.Lang, data.T = lang, verifyTexts[lang]
		if data.Found {
			// Dates as the reader's language writes them ("1 mart 2025").
			text := textFor(lang)
			data.Hours = text.formatHours(c.Minutes)
			data.From, data.To = text.formatDate(c.From), text.formatDate(c.To)
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
