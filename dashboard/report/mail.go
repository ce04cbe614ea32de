package report

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Mail is how the report is sent.
type Mail struct {
	Host     string
	Port     int
	TLS      string // "starttls" (default), "implicit" or "none"
	Username string // empty for no authentication
	Password string
	From     string
	To       []string
	// TLSConfig overrides the TLS settings (for example the roots to trust);
	// nil verifies the server against the system's roots.
	TLSConfig *tls.Config
}

// Validate checks the mail settings, naming what is wrong.
func (m Mail) Validate() error {
	var errs []error
	if m.Host == "" {
		errs = append(errs, errors.New("smtp.host: empty"))
	}
	if m.Port <= 0 || m.Port > 65535 {
		errs = append(errs, fmt.Errorf("smtp.port: %d is not a port", m.Port))
	}
	switch m.TLS {
	case "", "starttls", "implicit", "none":
	default:
		errs = append(errs, fmt.Errorf("smtp.tls: %q: want starttls, implicit or none", m.TLS))
	}
	if m.From == "" {
		errs = append(errs, errors.New("smtp.from: empty"))
	}
	if len(m.To) == 0 {
		errs = append(errs, errors.New("report.recipients: nobody to send the report to"))
	}
	return errors.Join(errs...)
}

// ledgerFile records, in the report's folder, that a send began and that
// it ended, so a week's report goes out once.
const ledgerFile = "send.json"

// Send states.
const (
	Sending = "sending" // written before the message is handed to the server
	Sent    = "sent"    // written after the server accepted it
	Failed  = "failed"  // it certainly did not go out; sending again is safe
)

// Ledger is what was sent for a week.
type Ledger struct {
	State      string    `json:"state"`
	Started    time.Time `json:"started"`
	Ended      time.Time `json:"ended,omitzero"`
	MessageID  string    `json:"message_id"`
	Recipients []string  `json:"recipients"`
	Error      string    `json:"error,omitempty"`
}

// ErrMaybeSent means an earlier attempt was interrupted after the message
// may have reached the server; sending again could deliver it twice.
var ErrMaybeSent = errors.New("an earlier send may have gone out")

// Ledger reads the archive's send ledger (the zero Ledger if none).
func (a Archive) Ledger() (Ledger, error) {
	var l Ledger
	b, err := os.ReadFile(filepath.Join(string(a), ledgerFile))
	if os.IsNotExist(err) {
		return l, nil
	}
	if err != nil {
		return l, err
	}
	return l, json.Unmarshal(b, &l)
}

func (a Archive) writeLedger(l Ledger) error {
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(string(a), ledgerFile+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	f.Close()
	if err := os.Rename(tmp, filepath.Join(string(a), ledgerFile)); err != nil {
		return err
	}
	// The rename is durable only once the folder is synced.
	dir, err := os.Open(string(a))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}

// Send mails the archived report once: HTML with the charts inline, a
// plain-text part, the CSV files attached and links to the dashboard at
// base (none when base is ""). It
// records the send before handing the message over and after the server
// accepts it; if a report was sent, or may have been, it sends nothing
// unless force is set. It reports whether it sent.
func (a Archive) Send(ctx context.Context, r *Report, m Mail, base string, force bool) (bool, error) {
	if err := m.Validate(); err != nil {
		return false, err
	}
	prev, err := a.Ledger()
	if err != nil {
		return false, fmt.Errorf("read send ledger: %w", err)
	}
	switch {
	case prev.State == Sent && !force:
		return false, nil
	case prev.State == Sending && !force:
		return false, fmt.Errorf("report %s: %w (attempt started %s); check the mailbox, then send again with --force", r.Week, ErrMaybeSent, prev.Started.Format(time.RFC3339))
	}
	msg, err := a.message(r, m, base)
	if err != nil {
		return false, err
	}
	l := Ledger{State: Sending, Started: time.Now().UTC(), MessageID: msg.GetGenHeader(mail.HeaderMessageID)[0], Recipients: m.To}
	if err := a.writeLedger(l); err != nil {
		return false, fmt.Errorf("record send: %w", err)
	}
	c, err := m.client()
	if err != nil {
		return false, a.failed(l, err)
	}
	if err := c.DialWithContext(ctx); err != nil {
		// Nothing reached the server.
		return false, a.failed(l, fmt.Errorf("connect to %s:%d: %w", m.Host, m.Port, err))
	}
	err = c.Send(msg)
	c.Close()
	if err != nil {
		var se *mail.SendError
		if errors.As(err, &se) && (se.Reason == mail.ErrSMTPMailFrom || se.Reason == mail.ErrSMTPRcptTo || se.Reason == mail.ErrSMTPData) {
			// Refused before the message was handed over.
			return false, a.failed(l, err)
		}
		// It may have been accepted: the ledger stays "sending".
		return false, fmt.Errorf("send report %s: %w; it may have gone out, so it will not be sent again without --force", r.Week, err)
	}
	l.State, l.Ended = Sent, time.Now().UTC()
	if err := a.writeLedger(l); err != nil {
		return true, fmt.Errorf("record send: %w", err)
	}
	return true, nil
}

func (a Archive) failed(l Ledger, err error) error {
	l.State, l.Ended, l.Error = Failed, time.Now().UTC(), err.Error()
	if werr := a.writeLedger(l); werr != nil {
		return errors.Join(err, werr)
	}
	return err
}

func (m Mail) client() (*mail.Client, error) {
	opts := []mail.Option{mail.WithPort(m.Port), mail.WithTimeout(30 * time.Second)}
	switch m.TLS {
	case "implicit":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if m.TLSConfig != nil {
		opts = append(opts, mail.WithTLSConfig(m.TLSConfig))
	}
	if m.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(m.Username), mail.WithPassword(m.Password))
	}
	c, err := mail.NewClient(m.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail client: %w", err)
	}
	return c, nil
}

// message builds the multipart mail from the archive's files.
func (a Archive) message(r *Report, m Mail, base string) (*mail.Msg, error) {
	images, err := r.images()
	if err != nil {
		return nil, err
	}
	html, err := r.HTML(images, base, true)
	if err != nil {
		return nil, err
	}
	text, err := r.Text(base)
	if err != nil {
		return nil, err
	}
	msg := mail.NewMsg()
	if err := msg.From(m.From); err != nil {
		return nil, fmt.Errorf("smtp.from: %w", err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("report.recipients: %w", err)
	}
	msg.Subject(r.Headline())
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(mail.TypeTextPlain, text)
	msg.AddAlternativeString(mail.TypeTextHTML, html)
	for _, im := range images {
		if err := msg.EmbedReader(im.Name, bytes.NewReader(im.PNG), mail.WithFileContentID(im.Name), mail.WithFileContentType("image/png")); err != nil {
			return nil, err
		}
	}
	for _, t := range r.Tables {
		if err := msg.AttachReader(t.Name+".csv", bytes.NewReader(t.CSV()), mail.WithFileContentType("text/csv")); err != nil {
			return nil, err
		}
	}
	return msg, nil
}
