package netsuite

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
)

// tba holds the token-based authentication credentials of one account.
// NetSuite's access tokens do not expire: there is nothing to refresh.
type tba struct {
	realm                       string
	consumerKey, consumerSecret string
	tokenID, tokenSecret        string
}

// authorization is the Authorization header of a request, signed with
// HMAC-SHA256 as NetSuite's "The Signature for Web Services and RESTlets"
// and "The Authorization Headers" show (RFC 5849, section 3.4):
// https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1534941088.html
// https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1534941295.html
// The base string covers the method, the URL without its query, and the
// oauth_* and query parameters (not the JSON body, and not the realm).
func (t tba) authorization(method string, u *url.URL, nonce, timestamp string) string {
	oauth := [][2]string{
		{"oauth_token", t.tokenID},
		{"oauth_consumer_key", t.consumerKey},
		{"oauth_nonce", nonce},
		{"oauth_timestamp", timestamp},
		{"oauth_signature_method", "HMAC-SHA256"},
		{"oauth_version", "1.0"},
	}
	mac := hmac.New(sha256.New, []byte(encode(t.consumerSecret)+"&"+encode(t.tokenSecret)))
	mac.Write([]byte(baseString(method, u, oauth)))
	sig := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	var b strings.Builder
	b.WriteString(`OAuth realm="` + encode(t.realm) + `"`)
	for _, p := range append(oauth, [2]string{"oauth_signature", sig}) {
		b.WriteString(", " + p[0] + `="` + encode(p[1]) + `"`)
	}
	return b.String()
}

// baseString is RFC 5849's signature base string (section 3.4.1): the
// method, the base string URI (scheme and host lower case, no default
// port, no query) and the normalized parameters, each encoded.
func baseString(method string, u *url.URL, oauth [][2]string) string {
	var params []string
	for k, vs := range u.Query() {
		for _, v := range vs {
			params = append(params, encode(k)+"="+encode(v))
		}
	}
	for _, p := range oauth {
		params = append(params, encode(p[0])+"="+encode(p[1]))
	}
	slices.Sort(params)
	host := strings.ToLower(u.Host)
	scheme := strings.ToLower(u.Scheme)
	if (scheme == "https" && strings.HasSuffix(host, ":443")) || (scheme == "http" && strings.HasSuffix(host, ":80")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	uri := scheme + "://" + host + u.EscapedPath()
	return strings.ToUpper(method) + "&" + encode(uri) + "&" + encode(strings.Join(params, "&"))
}

// encode is RFC 5849's percent encoding (section 3.6): every byte but the
// unreserved characters A-Z a-z 0-9 - . _ ~ as %XX, upper-case hex.
func encode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// nonce is a random string of 20 letters and digits, as NetSuite's
// examples use.
func nonce() string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 20)
	rand.Read(b)
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b)
}
