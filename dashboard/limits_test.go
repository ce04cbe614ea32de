package dashboard

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestBodyLimit checks that a body over MaxBody answers 413, whether its
// size is announced or it comes chunked.
func TestBodyLimit(t *testing.T) {
	small, _ := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", MaxBody: 1024})
	def, _ := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0"})
	tests := []struct {
		name    string
		s       *Server
		size    int
		chunked bool
		want    int
	}{
		{"UnderLimit", small, 1000, false, http.StatusForbidden}, // read, then refused for its CSRF token
		{"OverLimit", small, 2000, false, http.StatusRequestEntityTooLarge},
		{"OverLimitChunked", small, 2000, true, http.StatusRequestEntityTooLarge},
		{"DefaultUnder", def, 1 << 20, false, http.StatusForbidden},
		{"DefaultOver", def, 3 << 20, false, http.StatusRequestEntityTooLarge},
		{"DefaultOverChunked", def, 3 << 20, true, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader("csrf=x&query=" + strings.Repeat("a", tt.size))
			if tt.chunked {
				body = io.MultiReader(body) // no length known
			}
			r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/sql", body)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := httptest.NewRecorder()
			tt.s.Handler().ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Errorf("POST /sql with %d bytes = %d, want %d", tt.size, w.Code, tt.want)
			}
		})
	}
}

// TestSlowClientsCutOff checks the server's read timeouts: a client that
// sends its header, or its body, too slowly is answered or disconnected
// once they pass instead of holding the connection.
func TestSlowClientsCutOff(t *testing.T) {
	const timeout = 300 * time.Millisecond
	_, base, cancel, done := runServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", ReadHeaderTimeout: timeout, ReadTimeout: timeout})
	defer func() { cancel(); <-done }()
	addr := strings.TrimPrefix(base, "http://")
	tests := []struct{ name, send string }{
		{"SlowHeader", "POST /login HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: appli"},
		{"SlowBody", "POST /login HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ncsrf="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			if _, err := io.WriteString(conn, tt.send); err != nil {
				t.Fatal(err)
			}
			// Keep dribbling a byte now and then, never finishing.
			stop := make(chan struct{})
			defer close(stop)
			go func() {
				for {
					select {
					case <-stop:
						return
					case <-time.After(100 * time.Millisecond):
						if _, err := conn.Write([]byte("a")); err != nil {
							return
						}
					}
				}
			}()
			conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			elapsed := time.Since(start)
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("the server still waits for the request after %v", elapsed)
			}
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode < 400 {
					t.Errorf("answered %s, want an error or a closed connection", resp.Status)
				}
			}
			if elapsed > 3*time.Second {
				t.Errorf("cut off after %v, want about %v", elapsed, timeout)
			}
		})
	}
}
