package report

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	smtp "github.com/emersion/go-smtp"
)

// inbox is a real SMTP server on loopback that keeps what it receives.
type inbox struct {
	mu       sync.Mutex
	messages [][]byte
	rcpts    [][]string
	addr     string
}

type session struct {
	box   *inbox
	rcpts []string
}

func (s *session) Reset()        { s.rcpts = nil }
func (s *session) Logout() error { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error {
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	s.box.messages = append(s.box.messages, b)
	s.box.rcpts = append(s.box.rcpts, s.rcpts)
	return nil
}

func (b *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{box: b}, nil }

func (b *inbox) received() [][]byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([][]byte(nil), b.messages...)
}

// startInbox starts an SMTP server; with cert it offers STARTTLS.
func startInbox(t *testing.T, cert *tls.Certificate) *inbox {
	t.Helper()
	box := &inbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	box.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return box
}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func mailTo(box *inbox, tlsMode string, roots *x509.CertPool) Mail {
	host, port, _ := net.SplitHostPort(box.addr)
	p, _ := strconv.Atoi(port)
	m := Mail{Host: host, Port: p, TLS: tlsMode, From: "precedent@example.com", To: []string{"ceo@example.com", "cfo@example.com"}}
	if roots != nil {
		m.TLSConfig = &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}
	}
	return m
}

// part is one leaf of a parsed MIME message.
type part struct {
	contentType, contentID, filename string
	body                             []byte
}

// parseMIME walks a message's multipart tree into its leaves.
func parseMIME(t *testing.T, raw []byte) (*mail.Message, []part) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var leaves []part
	var walk func(ct string, header map[string][]string, body io.Reader)
	walk = func(ct string, header map[string][]string, body io.Reader) {
		media, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("content type %q: %v", ct, err)
		}
		if strings.HasPrefix(media, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header.Get("Content-Type"), p.Header, p)
			}
		}
		b, _ := io.ReadAll(body)
		get := func(k string) string {
			if v := header[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		if strings.EqualFold(get("Content-Transfer-Encoding"), "base64") {
			b = decodeBase64(t, b)
		} else if strings.EqualFold(get("Content-Transfer-Encoding"), "quoted-printable") {
			b = decodeQP(t, b)
		}
		_, dp, _ := mime.ParseMediaType(get("Content-Disposition"))
		leaves = append(leaves, part{contentType: media, contentID: strings.Trim(get("Content-Id"), "<>"), filename: dp["filename"], body: b})
	}
	walk(msg.Header.Get("Content-Type"), msg.Header, msg.Body)
	return msg, leaves
}

func TestSend(t *testing.T) {
	cert, roots := selfSigned(t)
	tests := []struct {
		name string
		cert *tls.Certificate
		mode string
	}{
		{"STARTTLS", &cert, "starttls"},
		{"Plain", nil, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			box := startInbox(t, tt.cert)
			r := build(t, "2026-W47")
			w, _ := ParseWeek("2026-W47")
			a := Dir(filepath.Join(t.TempDir(), "reports"), w)
			if err := a.Write(r, "https://precedent.example.com"); err != nil {
				t.Fatal(err)
			}
			m := mailTo(box, tt.mode, roots)
			sent, err := a.Send(context.Background(), r, m, "https://precedent.example.com", false)
			if err != nil || !sent {
				t.Fatalf("send: %v %v", sent, err)
			}
			// A retry or a restart sends nothing more.
			if sent, err := a.Send(context.Background(), r, m, "", false); err != nil || sent {
				t.Errorf("second send: %v %v, want nothing sent", sent, err)
			}
			got := box.received()
			if len(got) != 1 {
				t.Fatalf("received %d messages, want 1", len(got))
			}
			if rc := box.rcpts[0]; len(rc) != 2 {
				t.Errorf("recipients %v", rc)
			}
			msg, parts := parseMIME(t, got[0])
			if subj := msg.Header.Get("Subject"); !strings.Contains(subj, "2026-W47") {
				t.Errorf("subject %q", subj)
			}
			var text, html string
			images, csvs := map[string]bool{}, map[string]string{}
			for _, p := range parts {
				switch {
				case p.contentType == "text/plain" && p.filename == "":
					text = string(p.body)
				case p.contentType == "text/html":
					html = string(p.body)
				case p.contentType == "image/png":
					if !bytes.HasPrefix(p.body, []byte("\x89PNG")) {
						t.Errorf("inline image %s is not a PNG", p.contentID)
					}
					images[p.contentID] = true
				case p.filename != "" && strings.HasSuffix(p.filename, ".csv"):
					csvs[p.filename] = string(p.body)
				}
			}
			want, _ := r.Text("https://precedent.example.com")
			if text != strings.ReplaceAll(want, "\n", "\r\n") && text != want {
				t.Errorf("text part differs from the report text")
			}
			for _, id := range []string{"counts.png", "arr.png"} {
				if !images[id] || !strings.Contains(html, "cid:"+id) {
					t.Errorf("image %s: inline part %v, referenced in HTML %v", id, images[id], strings.Contains(html, "cid:"+id))
				}
			}
			if !strings.Contains(html, `href="https://precedent.example.com/reports/2026-W47"`) || !strings.Contains(text, "https://precedent.example.com") {
				t.Errorf("the dashboard link is missing")
			}
			for _, tab := range r.Tables {
				body, ok := csvs[tab.Name+".csv"]
				if !ok {
					t.Errorf("attachment %s.csv missing", tab.Name)
					continue
				}
				if !strings.HasPrefix(body, strings.Join(tab.Columns, ",")) {
					t.Errorf("%s.csv starts %q", tab.Name, body[:min(len(body), 60)])
				}
			}
			if l, _ := a.Ledger(); l.State != Sent {
				t.Errorf("ledger state %q, want sent", l.State)
			}
		})
	}
}

// TestSendOnce: a send that may have reached the server is never repeated
// without --force; one that certainly did not can be.
func TestSendOnce(t *testing.T) {
	box := startInbox(t, nil)
	r := build(t, "2026-W47")
	w, _ := ParseWeek("2026-W47")
	a := Dir(filepath.Join(t.TempDir(), "reports"), w)
	if err := a.Write(r, ""); err != nil {
		t.Fatal(err)
	}
	m := mailTo(box, "none", nil)
	// A crash between recording the send and confirming it.
	if err := a.writeLedger(Ledger{State: Sending, Started: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Send(context.Background(), r, m, "", false); !errors.Is(err, ErrMaybeSent) {
		t.Errorf("err = %v, want ErrMaybeSent", err)
	}
	if n := len(box.received()); n != 0 {
		t.Errorf("%d messages sent after an interrupted send", n)
	}
	if sent, err := a.Send(context.Background(), r, m, "", true); err != nil || !sent || len(box.received()) != 1 {
		t.Errorf("--force: %v %v, %d received", sent, err, len(box.received()))
	}
	// A server that is down: nothing went out, so a retry may send.
	os.Remove(filepath.Join(string(a), ledgerFile))
	down := m
	down.Port = freePort(t)
	if _, err := a.Send(context.Background(), r, down, "", false); err == nil {
		t.Fatal("sent to a closed port")
	}
	if l, _ := a.Ledger(); l.State != Failed {
		t.Errorf("ledger after a refused connection = %q, want failed", l.State)
	}
	if sent, err := a.Send(context.Background(), r, m, "", false); err != nil || !sent {
		t.Errorf("retry after a failed connection: %v %v", sent, err)
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return p
}
