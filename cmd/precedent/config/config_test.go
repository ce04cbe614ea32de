package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSMTPPassword(t *testing.T) {
	t.Setenv("TEST_SMTP_PASSWORD", "from-env")
	t.Setenv("TEST_SMTP_EMPTY", "")
	for _, tt := range []struct {
		name, env, password, want string
	}{
		{"file only", "", "from-file", "from-file"},
		{"environment wins", "TEST_SMTP_PASSWORD", "from-file", "from-env"},
		{"empty variable falls back to the file", "TEST_SMTP_EMPTY", "from-file", "from-file"},
		{"unset variable falls back to the file", "TEST_SMTP_UNSET", "from-file", "from-file"},
		{"neither", "TEST_SMTP_UNSET", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var c Config
			c.SMTP.PasswordEnv, c.SMTP.Password = tt.env, tt.password
			if got := c.SMTPPassword(); got != tt.want {
				t.Errorf("SMTPPassword() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestETLSettings checks etl.max_text_length: its default, a value from
// the file, and a message naming it when it is not positive.
func TestETLSettings(t *testing.T) {
	for _, tt := range []struct {
		name, file string
		want       int
		err        string
	}{
		{"Default", "", 10000, ""},
		{"FromFile", "etl:\n  max_text_length: 500\n", 500, ""},
		{"Zero", "etl:\n  max_text_length: 0\n", 0, "etl.max_text_length: 0 is not a positive number of characters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "precedent.yaml")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Load(path, true)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || c.ETL.MaxTextLength != tt.want {
				t.Errorf("max_text_length = %d (%v), want %d", c.ETL.MaxTextLength, err, tt.want)
			}
		})
	}
}
