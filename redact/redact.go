// Package redact keeps secrets out of logs: the secrets of URLs (user
// information, query values) and of request paths (calendar feeds'
// secrets, certificate codes). The server's access log and its log handler
// use it, so a secret that slips into any log line is hidden there too.
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// Mask replaces what is hidden.
const Mask = "xxxxx"

// secretPrefixes are the routes whose next path segment is a credential or
// a code: the calendar feeds (the secret is the only credential), the
// certificates and their public check (the code). The file extension stays.
var secretPrefixes = []string{"/calendar/", "/verify/", "/certificates/", "/letters/"}

// Path hides the secrets of a request path: the segment after a route of
// secretPrefixes, and any segment that looks like a random token (32 or
// more letters, digits, - and _, as session, feed and reset tokens are).
// /calendar/abc….ics becomes /calendar/xxxxx.ics.
func Path(p string) string {
	for _, prefix := range secretPrefixes {
		if rest, ok := strings.CutPrefix(p, prefix); ok && rest != "" {
			seg, tail, _ := strings.Cut(rest, "/")
			if i := strings.LastIndexByte(seg, '.'); i > 0 && i >= len(seg)-5 {
				seg = Mask + seg[i:]
			} else {
				seg = Mask
			}
			if tail != "" {
				return prefix + seg + "/" + Path("/" + tail)[1:]
			}
			return prefix + seg
		}
	}
	if !strings.Contains(p, "/") || len(p) < 33 {
		return p
	}
	segs := strings.Split(p, "/")
	changed := false
	for i, s := range segs {
		if tokenLike(s) {
			segs[i], changed = Mask, true
		}
	}
	if !changed {
		return p
	}
	return strings.Join(segs, "/")
}

// tokenLike reports whether a path segment looks like a random token.
func tokenLike(s string) bool {
	if len(s) < 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '=') {
			return false
		}
	}
	return true
}

// harmlessQuery are query parameters of configured URLs whose values are
// settings, worth seeing in a log, never secrets.
var harmlessQuery = map[string]bool{"tls": true, "sslmode": true, "from": true}

// URL hides the secrets of a URL: its user information (the password, or
// a user name without a password, which may be a token) and the values of its query (a
// gateway's token, a password), apart from a few known settings; the
// fragment goes. Something that does not parse as a URL is hidden whole,
// after its scheme.
func URL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		scheme, _, _ := strings.Cut(raw, ":")
		if len(scheme) > 10 || strings.ContainsAny(scheme, "/?@ ") {
			return Mask
		}
		return scheme + ":" + Mask
	}
	if u.User != nil {
		// The password goes; a user name alone goes too, since a token is
		// often written there (https://TOKEN@host).
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), Mask)
		} else {
			u.User = url.User(Mask)
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k, vs := range q {
			if harmlessQuery[strings.ToLower(k)] {
				continue
			}
			for i := range vs {
				vs[i] = Mask
			}
		}
		u.RawQuery = q.Encode()
	}
	u.Fragment, u.RawFragment = "", ""
	u.Path, u.RawPath = Path(u.Path), ""
	if strings.Contains(u.Opaque, "@") { // sqlite:PATH stays; anything like user:pass@… does not
		u.Opaque = Mask
	}
	return u.String()
}

// Origin is a URL reduced to its scheme and host, for URLs whose path may be
// a credential too (webhooks of chat services carry their token there).
func Origin(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return URL(raw)
	}
	out := u.Scheme + "://" + u.Host
	if u.User != nil {
		out = u.Scheme + "://" + Mask + "@" + u.Host
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		out += "/" + Mask
	}
	return out
}

var (
	urlInText  = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s"'<>\x60]+`)
	pathInText = regexp.MustCompile(`/(?:calendar|verify|certificates|letters)/[^\s"'<>/?#\x60]+`)
)

// Text hides the secrets of URLs and secret paths that appear inside a
// longer text, such as an error message that quotes the URL it failed on.
func Text(s string) string {
	if strings.Contains(s, "://") {
		s = urlInText.ReplaceAllStringFunc(s, URL)
	}
	if strings.Contains(s, "/calendar/") || strings.Contains(s, "/verify/") || strings.Contains(s, "/certificates/") || strings.Contains(s, "/letters/") {
		s = pathInText.ReplaceAllStringFunc(s, Path)
	}
	return s
}
