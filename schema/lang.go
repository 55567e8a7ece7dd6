package schema

import (
	"context"
	"net/http"
	"strings"

	"github.com/konullu/konullu"
)

// The reader's language (issue 12): the web app sends its language in
// Accept-Language with every request (a browser sends its own on the
// WebSocket's upgrade); names and descriptions of centres and positions
// resolve in it, falling back to the main text. Without a supported
// language the main text is answered, as before.

type readerLanguageKey struct{}

// requestLanguage is the first of az, en and ru in the Accept-Language
// header, in the order the client gave ("" for none).
func requestLanguage(req *http.Request) konullu.Language {
	for _, part := range strings.Split(req.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(part, ";")
		base, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
		if l, err := konullu.ParseLanguage("", base); err == nil {
			return l
		}
	}
	return ""
}

func withReaderLanguage(ctx context.Context, l konullu.Language) context.Context {
	if l == "" {
		return ctx
	}
	return context.WithValue(ctx, readerLanguageKey{}, l)
}

// readerLanguage is the language of the request's reader ("" when unknown:
// main texts).
func readerLanguage(ctx context.Context) konullu.Language {
	l, _ := ctx.Value(readerLanguageKey{}).(konullu.Language)
	return l
}
