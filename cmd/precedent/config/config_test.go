package config

import "testing"

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
