package main

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Behind a reverse proxy (nginx, a load balancer) every connection comes
// from the proxy, so the per-address rate limits would put all citizens
// into one budget. KONULLU_TRUSTED_PROXIES names the proxies whose
// X-Forwarded-For and X-Forwarded-Proto the server believes; realClient
// resolves the client's address once, for every part of the server that
// looks at addresses (the GraphQL limits of login and registration, the
// limits of /verify and /calendar, the access log).
//
// The client is the rightmost address of X-Forwarded-For that is not itself
// a trusted proxy: each proxy appends the address it was connected from, so
// the entries right of the client were written by proxies we trust, while
// whatever the client put in the header itself stays to the left and is
// never read. From a peer that is not a trusted proxy the header is ignored:
// anyone can send it. A malformed entry met on the way (not an IP address)
// makes the server fall back to the peer's address. The RFC 7239 Forwarded
// header is not read.
//
// The forwarded headers (forwardedHeaders) of a peer that is not a trusted
// proxy are removed before any handler sees the request, so that nothing
// behind realClient (the links of certificates, HSTS, whatever comes later)
// can be fooled by them; from a trusted proxy they are kept.

// trustedProxies are the networks of KONULLU_TRUSTED_PROXIES; none: no proxy
// is trusted and the peer of the connection is the client.
type trustedProxies []netip.Prefix

// parseTrustedProxies reads comma-separated IP addresses and CIDR networks
// ("127.0.0.1,10.0.0.0/8,fd00::/8"); empty entries are skipped.
func parseTrustedProxies(s string) (trustedProxies, error) {
	var t trustedProxies
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e == "" {
			continue
		}
		var p netip.Prefix
		if strings.Contains(e, "/") {
			var err error
			if p, err = netip.ParsePrefix(e); err != nil {
				return nil, fmt.Errorf("%q is not an IP address or CIDR network such as 10.0.0.0/8", e)
			}
		} else {
			a, err := netip.ParseAddr(e)
			if err != nil || a.Zone() != "" {
				return nil, fmt.Errorf("%q is not an IP address or CIDR network such as 10.0.0.0/8", e)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		// Peers are compared unmapped: ::ffff:10.0.0.0/104 is 10.0.0.0/8.
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		t = append(t, p.Masked())
	}
	return t, nil
}

// String lists the networks in the form parseTrustedProxies reads.
func (t trustedProxies) String() string {
	s := make([]string, len(t))
	for i, p := range t {
		s[i] = p.String()
		if p.IsSingleIP() {
			s[i] = p.Addr().String()
		}
	}
	return strings.Join(s, ",")
}

// trusts reports whether the address is one of the trusted proxies.
func (t trustedProxies) trusts(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, p := range t {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseHost reads an address as it appears in RemoteAddr or in an entry of
// X-Forwarded-For: a bare IP, or IP:port ([IPv6]:port), which some proxies write.
func parseHost(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}

// maxForwardedHops bounds the walk through X-Forwarded-For: no deployment
// has more trusted proxies in a row than this.
const maxForwardedHops = 32

// client returns the address of the request's client and whether it was
// read from X-Forwarded-For (the peer is a trusted proxy that said who its
// client was). Otherwise it is the peer's RemoteAddr, unchanged.
func (t trustedProxies) client(r *http.Request) (addr string, forwarded bool) {
	peer, ok := parseHost(r.RemoteAddr)
	if !ok || !t.trusts(peer) {
		return r.RemoteAddr, false
	}
	values := r.Header.Values("X-Forwarded-For") // several header lines are one list
	if len(values) == 0 {
		return r.RemoteAddr, false // the proxy itself (health checks)
	}
	// Walk from the right: the last entry is the one our own proxy wrote.
	client, hops := netip.Addr{}, 0
	for i := len(values) - 1; i >= 0; i-- {
		rest := values[i]
		for rest != "" {
			var entry string
			if j := strings.LastIndexByte(rest, ','); j >= 0 {
				rest, entry = rest[:j], rest[j+1:]
			} else {
				rest, entry = "", rest
			}
			if entry = strings.TrimSpace(entry); entry == "" {
				continue
			}
			a, ok := parseHost(entry)
			if hops++; !ok || hops > maxForwardedHops {
				return r.RemoteAddr, false // malformed: believe only the peer
			}
			client = a
			if !t.trusts(a) {
				return client.String(), true
			}
		}
	}
	if !client.IsValid() {
		return r.RemoteAddr, false // an empty header
	}
	// Every hop is a trusted proxy: the leftmost is as far as we can see
	// (a monitor inside the network, say).
	return client.String(), true
}

// proxyKey is the context key of the peer address of a forwarded request.
type proxyKey struct{}

// viaTrustedProxy reports whether the request came from a trusted proxy,
// whose X-Forwarded-* headers may be believed. It is true only behind realClient.
func viaTrustedProxy(r *http.Request) bool {
	_, ok := r.Context().Value(proxyKey{}).(string)
	return ok
}

// proxyAddress is the peer address of a request from a trusted proxy, or "".
func proxyAddress(r *http.Request) string {
	p, _ := r.Context().Value(proxyKey{}).(string)
	return p
}

// forwardedHeaders are the headers in which proxies tell what they saw:
// believed from trusted proxies only, removed from anyone else's requests.
var forwardedHeaders = []string{"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded"}

// withoutForwarded returns the request without forwardedHeaders: r itself
// when it has none, else a copy with its own header map (a handler must not
// change the request it was given).
func withoutForwarded(r *http.Request) *http.Request {
	found := false
	for _, h := range forwardedHeaders {
		if _, ok := r.Header[h]; ok {
			found = true
			break
		}
	}
	if !found {
		return r
	}
	r2 := r.WithContext(r.Context()) // a shallow copy
	r2.Header = r.Header.Clone()
	for _, h := range forwardedHeaders {
		r2.Header.Del(h)
	}
	return r2
}

// realClient replaces the request's RemoteAddr with the client's address
// (a bare IP) when a trusted proxy forwarded it, so that every handler
// behind it, in this package and in schema, reads the client from
// RemoteAddr as usual; the proxy's own address stays in the context
// (proxyAddress). A request from a trusted proxy is marked so even when it
// names no client, for X-Forwarded-Proto (securityHeaders). A request from
// any other peer loses its forwarded headers (forwardedHeaders); with no
// trusted proxies that is every request.
func realClient(t trustedProxies, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer, ok := parseHost(r.RemoteAddr)
		if !ok || !t.trusts(peer) {
			next.ServeHTTP(w, withoutForwarded(r))
			return
		}
		addr, forwarded := t.client(r)
		r = r.WithContext(context.WithValue(r.Context(), proxyKey{}, r.RemoteAddr))
		if forwarded {
			r.RemoteAddr = addr
		}
		next.ServeHTTP(w, r)
	})
}
