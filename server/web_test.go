package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/klauspost/compress/zstd"
)

func getWith(h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

// The web app's files go out precompressed: brotli from NAME.br when the
// client takes it, else gzip from NAME.gz, else gzip made at start; hashed
// assets are immutable for a year, index.html is revalidated; every answer
// that depends on Accept-Encoding says so (Vary).
func TestFrontendServesPrecompressedFiles(t *testing.T) {
	js := "console.log('" + strings.Repeat("könüllü ", 200) + "')"
	css := "body{" + strings.Repeat("color:red;", 200) + "}"
	index := "<!doctype html><title>app</title>" + strings.Repeat("<!-- padding -->", 60)
	web := fstest.MapFS{
		"index.html":             {Data: []byte(index)},
		"index.html.gz":          {Data: gzipped(index)},
		"index.html.br":          {Data: []byte("BROTLI-INDEX")},
		"assets/app-1a2b.js":     {Data: []byte(js)},
		"assets/app-1a2b.js.br":  {Data: []byte("BROTLI-JS")},
		"assets/app-1a2b.js.gz":  {Data: gzipped(js)},
		"assets/app-3c4d.css":    {Data: []byte(css)}, // no .gz/.br: gzip made at start
		"assets/logo-5e6f.png":   {Data: append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 2000)...)},
		"assets/tiny-7a8b.js":    {Data: []byte("1")},
		"assets/orphan-9c.js.gz": {Data: gzipped("orphan")}, // no original: served as it is
	}
	h := NewServer(newTestLogger(io.Discard), failing{}, http.NotFoundHandler(), web)

	t.Run("BrotliFirst", func(t *testing.T) {
		rec := getWith(h, "/assets/app-1a2b.js", "Accept-Encoding", "gzip, deflate, br, zstd")
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "br" || rec.Body.String() != "BROTLI-JS" {
			t.Fatalf("got %d %q %q", rec.Code, rec.Header().Get("Content-Encoding"), rec.Body)
		}
		if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, "text/javascript") {
			t.Errorf("Content-Type %q", got)
		}
		if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("Cache-Control %q", got)
		}
		if got := rec.Header().Get("Vary"); got != "Accept-Encoding" {
			t.Errorf("Vary %q", got)
		}
		if rec.Header().Get("Content-Length") != "9" {
			t.Errorf("Content-Length %q", rec.Header().Get("Content-Length"))
		}
	})
	t.Run("GzipWhenNoBrotli", func(t *testing.T) {
		rec := getWith(h, "/assets/app-1a2b.js", "Accept-Encoding", "gzip")
		if rec.Header().Get("Content-Encoding") != "gzip" || gunzip(t, rec.Body.Bytes()) != js {
			t.Fatalf("got %q", rec.Header().Get("Content-Encoding"))
		}
	})
	t.Run("QValues", func(t *testing.T) {
		rec := getWith(h, "/assets/app-1a2b.js", "Accept-Encoding", "br;q=0, gzip;q=0.5")
		if rec.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("br refused with q=0: got %q", rec.Header().Get("Content-Encoding"))
		}
		rec = getWith(h, "/assets/app-1a2b.js", "Accept-Encoding", "identity")
		if rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != js {
			t.Errorf("identity: got %q", rec.Header().Get("Content-Encoding"))
		}
	})
	t.Run("NoAcceptEncoding", func(t *testing.T) {
		rec := getWith(h, "/assets/app-1a2b.js")
		if rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != js || rec.Header().Get("Vary") != "Accept-Encoding" {
			t.Fatalf("got %q %q", rec.Header().Get("Content-Encoding"), rec.Header().Get("Vary"))
		}
	})
	t.Run("GzipMadeAtStart", func(t *testing.T) {
		rec := getWith(h, "/assets/app-3c4d.css", "Accept-Encoding", "br, gzip")
		if rec.Header().Get("Content-Encoding") != "gzip" || gunzip(t, rec.Body.Bytes()) != css {
			t.Fatalf("got %q", rec.Header().Get("Content-Encoding"))
		}
		if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") {
			t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
		}
	})
	t.Run("IndexAndRoutesNoCache", func(t *testing.T) {
		for _, p := range []string{"/", "/index.html", "/volunteers/7/shifts"} {
			rec := getWith(h, p, "Accept-Encoding", "br")
			if rec.Header().Get("Content-Encoding") != "br" || rec.Body.String() != "BROTLI-INDEX" || rec.Header().Get("Cache-Control") != "no-cache" {
				t.Errorf("%s: %q %q %q", p, rec.Header().Get("Content-Encoding"), rec.Body, rec.Header().Get("Cache-Control"))
			}
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
				t.Errorf("%s: Content-Type %q", p, rec.Header().Get("Content-Type"))
			}
		}
	})
	t.Run("NotModified", func(t *testing.T) {
		first := getWith(h, "/", "Accept-Encoding", "gzip")
		etag := first.Header().Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		if rec := getWith(h, "/", "Accept-Encoding", "gzip", "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("revalidation: %d with %d bytes", rec.Code, rec.Body.Len())
		}
		// Another encoding is another representation.
		if rec := getWith(h, "/", "Accept-Encoding", "br", "If-None-Match", etag); rec.Code != http.StatusOK {
			t.Errorf("the gzip ETag matched the brotli answer: %d", rec.Code)
		}
		plain := getWith(h, "/")
		if rec := getWith(h, "/", "If-None-Match", plain.Header().Get("ETag")); rec.Code != http.StatusNotModified {
			t.Errorf("identity revalidation: %d", rec.Code)
		}
	})
	t.Run("NotCompressed", func(t *testing.T) {
		for _, p := range []string{"/assets/logo-5e6f.png", "/assets/tiny-7a8b.js"} {
			rec := getWith(h, p, "Accept-Encoding", "br, gzip")
			if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" {
				t.Errorf("%s: %d %q", p, rec.Code, rec.Header().Get("Content-Encoding"))
			}
		}
		if rec := getWith(h, "/assets/app-1a2b.js.br"); rec.Code != http.StatusNotFound {
			t.Errorf("the .br file is served by its own name: %d", rec.Code)
		}
		if rec := getWith(h, "/assets/orphan-9c.js.gz"); rec.Code != http.StatusOK {
			t.Errorf("a .gz file of its own: %d", rec.Code)
		}
	})
}

// The API's answers are compressed above ~1.4 KB when the client accepts it;
// small ones and WebSocket upgrades are left alone.
func TestAPIResponsesCompressed(t *testing.T) {
	big := `{"data":{"shifts":[` + strings.Repeat(`{"id":"U2hpZnQ6MQ","capacity":5},`, 200) + `{}]}}`
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("small") != "" {
			w.Write([]byte(`{"data":{"__typename":"Query"}}`))
			return
		}
		w.Write([]byte(big))
	})
	h := NewServer(newTestLogger(io.Discard), failing{}, api, fstest.MapFS{})

	rec := getWith(h, "/graphql", "Accept-Encoding", "gzip")
	if rec.Header().Get("Content-Encoding") != "gzip" || gunzip(t, rec.Body.Bytes()) != big {
		t.Fatalf("large answer: %q", rec.Header().Get("Content-Encoding"))
	}
	if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
		t.Errorf("Vary %q", rec.Header().Get("Vary"))
	}
	if rec.Body.Len() >= len(big)/4 {
		t.Errorf("compressed to %d of %d bytes", rec.Body.Len(), len(big))
	}
	rec = getWith(h, "/graphql", "Accept-Encoding", "zstd")
	if rec.Header().Get("Content-Encoding") != "zstd" {
		t.Fatalf("zstd: %q", rec.Header().Get("Content-Encoding"))
	}
	zr, _ := zstd.NewReader(nil)
	if out, err := zr.DecodeAll(rec.Body.Bytes(), nil); err != nil || string(out) != big {
		t.Errorf("zstd body: %v", err)
	}
	if rec := getWith(h, "/graphql"); rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != big {
		t.Errorf("no Accept-Encoding: %q", rec.Header().Get("Content-Encoding"))
	}
	if rec := getWith(h, "/graphql?small=1", "Accept-Encoding", "gzip"); rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("small answer compressed: %q", rec.Header().Get("Content-Encoding"))
	}
	if rec := getWith(h, "/graphql", "Accept-Encoding", "gzip", "Upgrade", "websocket", "Connection", "Upgrade"); rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("upgrade compressed: %q", rec.Header().Get("Content-Encoding"))
	}
	if rec := getWith(h, "/me/export", "Accept-Encoding", "gzip"); rec.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("export: %q", rec.Header().Get("Content-Encoding"))
	}
}
