package dashboard

import (
	"net"
	"net/http/httptest"
	"testing"
)

func TestIPExtractor(t *testing.T) {
	cidrs := func(ss ...string) []*net.IPNet {
		var out []*net.IPNet
		for _, s := range ss {
			_, n, err := net.ParseCIDR(s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, n)
		}
		return out
	}
	tests := []struct {
		name    string
		trusted []*net.IPNet
		peer    string
		xff     string
		want    string
	}{
		{"NoProxiesIgnoresXFF", nil, "203.0.113.9:4000", "198.51.100.7", "203.0.113.9"},
		{"NoProxiesLoopbackPeerIgnoresXFF", nil, "127.0.0.1:4000", "198.51.100.7", "127.0.0.1"},
		{"NoProxiesPrivatePeerIgnoresXFF", nil, "10.1.2.3:4000", "198.51.100.7", "10.1.2.3"},
		{"TrustedProxy", cidrs("10.0.0.0/8"), "10.0.0.2:4000", "198.51.100.7", "198.51.100.7"},
		{"TrustedProxyNoXFF", cidrs("10.0.0.0/8"), "10.0.0.2:4000", "", "10.0.0.2"},
		{"UntrustedPeerForges", cidrs("10.0.0.0/8"), "203.0.113.9:4000", "198.51.100.7", "203.0.113.9"},
		{"LoopbackNotTrustedByDefault", cidrs("10.0.0.0/8"), "127.0.0.1:4000", "198.51.100.7", "127.0.0.1"},
		{"PrivateNotTrustedByDefault", cidrs("10.0.0.0/8"), "192.168.1.5:4000", "198.51.100.7", "192.168.1.5"},
		{"ClientForgesThroughProxy", cidrs("10.0.0.0/8"), "10.0.0.2:4000", "1.2.3.4, 198.51.100.7", "198.51.100.7"},
		{"ChainOfProxies", cidrs("10.0.0.0/8"), "10.0.0.2:4000", "198.51.100.7, 10.0.0.3", "198.51.100.7"},
		{"IPv6", cidrs("2001:db8::/32"), "[2001:db8::1]:4000", "2001:db8:1::5, 2606:4700::1", "2606:4700::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got := ipExtractor(tt.trusted)(r); got != tt.want {
				t.Errorf("client = %q, want %q", got, tt.want)
			}
		})
	}
}
