package netsuite

import (
	"net/url"
	"testing"
)

// TestAuthorization signs Oracle's published example request, from "The
// Signature for Web Services and RESTlets" (its input values: account
// 123456, the consumer key and secret, the token id and secret, nonce
// fjaLirsIcCGVZWzBX0pg, timestamp 1508242306, GET of REST web services'
// employee 40), and compares the base string and "REST Web Services Header
// Example" of "The Authorization Headers":
// https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1534941088.html
// https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1534941295.html
func TestAuthorization(t *testing.T) {
	auth := tba{
		realm:          "123456",
		consumerKey:    "ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4",
		consumerSecret: "d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5",
		tokenID:        "2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc",
		tokenSecret:    "c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295",
	}
	u, _ := url.Parse("https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40")
	base := baseString("GET", u, [][2]string{
		{"oauth_token", auth.tokenID}, {"oauth_consumer_key", auth.consumerKey}, {"oauth_nonce", "fjaLirsIcCGVZWzBX0pg"},
		{"oauth_timestamp", "1508242306"}, {"oauth_signature_method", "HMAC-SHA256"}, {"oauth_version", "1.0"},
	})
	if want := "GET&https%3A%2F%2F123456.suitetalk.api.netsuite.com%2Fservices%2Frest%2Frecord%2Fv1%2Femployee%2F40&oauth_consumer_key%3Def40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4%26oauth_nonce%3DfjaLirsIcCGVZWzBX0pg%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1508242306%26oauth_token%3D2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc%26oauth_version%3D1.0"; base != want {
		t.Errorf("base string\n%s\nwant\n%s", base, want)
	}
	got := auth.authorization("GET", u, "fjaLirsIcCGVZWzBX0pg", "1508242306")
	want := `OAuth realm="123456", oauth_token="2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc", oauth_consumer_key="ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4", oauth_nonce="fjaLirsIcCGVZWzBX0pg", oauth_timestamp="1508242306", oauth_signature_method="HMAC-SHA256", oauth_version="1.0", oauth_signature="B5OIWznZ2YP0OB7VrJrGkYsTh%2B8H%2B5T9Hag%2Bo92q0zY%3D"`
	if got != want {
		t.Errorf("Authorization\n%s\nwant Oracle's\n%s", got, want)
	}
}

// TestBaseStringQuery checks RFC 5849's rules for what SuiteQL calls
// carry: query parameters sorted in with the oauth_* ones, values
// percent-encoded with %20 for a space and upper-case hex, the default
// port dropped and scheme and host lower case (sections 3.4.1.2, 3.4.1.3.2, 3.6).
func TestBaseStringQuery(t *testing.T) {
	u, _ := url.Parse("HTTPS://Acme.Example:443/services/rest/query/v1/suiteql?offset=0&limit=1000&q=a%20b%2Bc~")
	got := baseString("post", u, [][2]string{{"oauth_nonce", "n"}})
	want := "POST&https%3A%2F%2Facme.example%2Fservices%2Frest%2Fquery%2Fv1%2Fsuiteql&limit%3D1000%26oauth_nonce%3Dn%26offset%3D0%26q%3Da%2520b%252Bc~"
	if got != want {
		t.Errorf("base string\n%s\nwant\n%s", got, want)
	}
	if realm := (Settings{AccountID: "1234567-sb1"}).realm(); realm != "1234567_SB1" {
		t.Errorf("realm %s, want 1234567_SB1", realm)
	}
	if base := (Settings{AccountID: "1234567_SB1"}).base(); base != "https://1234567-sb1.suitetalk.api.netsuite.com" {
		t.Errorf("base %s", base)
	}
}
