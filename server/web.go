package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"github.com/konullu/konullu/frontend"
)

// handleFrontend serves the built web app. Paths without a file extension
// are the app's own (client-side) routes and get index.html; while no app is
// built, they get a plain page saying how to build it.
//
// Every file is read once at start. Text files are served compressed when
// the client accepts it: brotli or gzip from the NAME.br and NAME.gz files
// the web app's build writes beside them (scripts/precompress.mjs), or,
// where the build left none, gzip made here once at start. Hashed assets
// (assets/) are cached for a year as immutable; index.html and the app's
// routes are revalidated on every load (no-cache) so a release is seen at
// once.
func handleFrontend(web fs.FS) http.Handler {
	files := loadWebFiles(web)
	index, ok := files["index.html"]
	if !ok {
		index = newWebFile("index.html", frontend.Placeholder, nil, nil)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name != "" && name != "index.html" {
			if f, ok := files[name]; ok {
				if strings.HasPrefix(name, "assets/") { // content-hashed by the build
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				f.serve(w, r)
				return
			}
			if path.Ext(name) != "" {
				http.NotFound(w, r)
				return
			}
		}
		w.Header().Set("Cache-Control", "no-cache")
		index.serve(w, r)
	})
}

// webFile is one file of the app with its compressed forms (nil when none).
type webFile struct {
	name      string
	ctype     string
	etag      string // of the content, before any encoding
	raw       []byte
	gzip, br  []byte
	encodable bool // text: the answer varies with Accept-Encoding
}

// minCompressed is the smallest file worth compressing: below it the
// encoding's headers and the client's work cost more than the bytes saved.
const minCompressed = 512

func newWebFile(name string, raw, gz, br []byte) *webFile {
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(raw)
	}
	sum := sha256.Sum256(raw)
	f := &webFile{name: name, ctype: ctype, etag: hex.EncodeToString(sum[:8]), raw: raw, gzip: gz, br: br}
	f.encodable = compressible(ctype)
	if f.encodable && f.gzip == nil && len(raw) >= minCompressed {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // the level is valid
		zw.Write(raw)
		zw.Close()
		f.gzip = b.Bytes()
	}
	// A compressed form that is not smaller is not worth sending.
	if len(f.gzip) >= len(raw) {
		f.gzip = nil
	}
	if len(f.br) >= len(raw) {
		f.br = nil
	}
	return f
}

// compressible says whether a media type is text that compresses well;
// images, fonts and archives are compressed already.
func compressible(ctype string) bool {
	mt, _, _ := mime.ParseMediaType(ctype)
	return strings.HasPrefix(mt, "text/") || mt == "image/svg+xml" ||
		strings.HasSuffix(mt, "javascript") || strings.HasSuffix(mt, "json") ||
		strings.HasSuffix(mt, "+xml") || mt == "application/wasm"
}

// loadWebFiles reads every file of the app, pairing each with the NAME.br
// and NAME.gz the build wrote beside it; those are not served by their own
// names.
func loadWebFiles(web fs.FS) map[string]*webFile {
	all := map[string][]byte{}
	fs.WalkDir(web, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if b, err := fs.ReadFile(web, p); err == nil {
			all[p] = b
		}
		return nil
	})
	files := map[string]*webFile{}
	for name, raw := range all {
		if base, ok := strings.CutSuffix(name, ".br"); ok && all[base] != nil {
			continue
		}
		if base, ok := strings.CutSuffix(name, ".gz"); ok && all[base] != nil {
			continue
		}
		files[name] = newWebFile(name, raw, all[name+".gz"], all[name+".br"])
	}
	return files
}

// serve answers with the best encoding the client accepts: brotli, then
// gzip, else the file as it is.
func (f *webFile) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	body, etag := f.raw, f.etag
	if f.encodable {
		h.Add("Vary", "Accept-Encoding")
		switch enc := pickEncoding(r.Header.Values("Accept-Encoding"), f.br != nil, f.gzip != nil); enc {
		case "br":
			body, etag = f.br, f.etag+"-br"
			h.Set("Content-Encoding", enc)
		case "gzip":
			body, etag = f.gzip, f.etag+"-gz"
			h.Set("Content-Encoding", enc)
		}
	}
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", strconv.Quote(etag))
	if h.Get("Content-Encoding") != "" {
		// Ranges of an encoded body would confuse caches; send it whole.
		if r.Header.Get("If-None-Match") == h.Get("ETag") {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method != http.MethodHead {
			w.Write(body)
		}
		return
	}
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(body))
}

// pickEncoding reads Accept-Encoding (with q-values; q=0 refuses) and
// returns "br", "gzip" or "" for the file as it is.
func pickEncoding(accept []string, haveBr, haveGzip bool) string {
	q := map[string]float64{}
	for _, line := range accept {
		for part := range strings.SplitSeq(line, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			weight := 1.0
			if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
				if x, err := strconv.ParseFloat(v, 64); err == nil {
					weight = x
				}
			}
			q[coding] = weight
		}
	}
	weight := func(coding string) float64 {
		if v, ok := q[coding]; ok {
			return v
		}
		if v, ok := q["*"]; ok {
			return v
		}
		return 0
	}
	best, bestQ := "", 0.0
	if haveGzip && weight("gzip") > bestQ {
		best, bestQ = "gzip", weight("gzip")
	}
	if haveBr && weight("br") > 0 && weight("br") >= bestQ {
		best = "br"
	}
	return best
}

// compressAPI compresses the API's answers above minAPICompressed bytes with
// gzip or zstd, as the client accepts (klauspost/compress/gzhttp: it sets
// Vary and keeps small answers as they are). WebSocket upgrades (the
// subscriptions) pass untouched. Tokens travel in the Authorization header,
// never in cookies, so another site cannot have a browser send the
// authenticated requests a compression side channel (BREACH) needs.
func compressAPI(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(minAPICompressed), gzhttp.CompressionLevel(gzip.DefaultCompression))
	if err != nil {
		panic(err) // the options are constants
	}
	compressed := wrap(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r)
			return
		}
		compressed.ServeHTTP(w, r)
	})
}

// minAPICompressed is about one TCP segment: smaller answers gain nothing.
const minAPICompressed = 1400
