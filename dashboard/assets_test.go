package dashboard

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAcceptsGzip(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, GZIP;q=0.5", true},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"deflate, identity", false},
		{"x-gzip", false},
	} {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

// TestAssetsGzip checks that a compressible asset is sent gzip-compressed
// only to clients that accept it, and decompresses to the embedded file.
func TestAssetsGzip(t *testing.T) {
	want, err := assetFS.ReadFile("assets/vendor/echarts/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	h := assetHandler()
	for _, tt := range []struct {
		name, path, accept string
		gzipped            bool
	}{
		{"accepts", "/assets/vendor/echarts/echarts.min.js", "gzip, deflate", true},
		{"refuses", "/assets/vendor/echarts/echarts.min.js", "gzip;q=0", false},
		{"silent", "/assets/vendor/echarts/echarts.min.js", "", false},
		{"not compressible", "/assets/vendor/echarts/LICENSE", "gzip", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.accept != "" {
				req.Header.Set("Accept-Encoding", tt.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			body := rec.Body.Bytes()
			if got := rec.Header().Get("Content-Encoding") == "gzip"; got != tt.gzipped {
				t.Fatalf("gzip = %v, want %v (headers %v)", got, tt.gzipped, rec.Header())
			}
			if !tt.gzipped {
				if tt.path == "/assets/vendor/echarts/echarts.min.js" && !bytes.Equal(body, want) {
					t.Errorf("identity body differs from the embedded file")
				}
				return
			}
			if len(body) > len(want)/2 {
				t.Errorf("compressed to %d of %d bytes", len(body), len(want))
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("decompressed body differs from the embedded file (%v)", err)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

// TestAssetsNoListing checks that no request under /assets/ lists a
// directory, while files are still served.
func TestAssetsNoListing(t *testing.T) {
	h := assetHandler()
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/assets/", http.StatusNotFound},
		{"/assets/vendor", http.StatusNotFound},
		{"/assets/vendor/", http.StatusNotFound},
		{"/assets/vendor/echarts/", http.StatusNotFound},
		{"/assets/vendor/echarts", http.StatusNotFound},
		{"/assets/vendor/./echarts", http.StatusNotFound},
		{"/assets/vendor/echarts/../", http.StatusNotFound},
		{"/assets/vendor/echarts/LICENSE/", http.StatusNotFound},
		{"/assets/vendor/echarts/LICENSE", http.StatusOK},
		{"/assets/vendor/echarts/echarts.min.js", http.StatusOK},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
		if rec.Code != tt.want {
			t.Errorf("GET %s = %d, want %d", tt.path, rec.Code, tt.want)
		}
		if body := rec.Body.String(); strings.Contains(body, "<a href=") {
			t.Errorf("GET %s lists a directory: %.200s", tt.path, body)
		}
	}
}
