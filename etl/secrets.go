package etl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// A Secret is where a puller's setting holding a secret (an API token, a
// password, a private key) is read from: the environment variable its
// <Setting>_env names, or the file its <Setting>_file names, exactly one
// of them. Every source kind reads its secrets through it, so that each
// says the same of a wrong setting and none quotes a secret in an error.
type Secret struct {
	// Setting is the two settings' stem: "token" for token_env and
	// token_file.
	Setting string
	// Env and File are the settings' values: a variable's name, a file's
	// path.
	Env, File string
	// Holds says what the secret is, for the error when neither setting
	// is set, such as "an API token".
	Holds string
	// FileFirst names <Setting>_file before <Setting>_env in the errors
	// about the pair, for a secret most keep in a file (a private key).
	FileFirst bool
	// Optional lets neither setting be set: Read then returns "".
	Optional bool
}

var envVariableRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Read checks the pair of settings (exactly one set, unless Optional; the
// variable's name a name) and reads the secret, a file's trailing line
// break dropped. Its errors begin with the setting they are about, such as
// "token_env: ", for the caller to prefix with the source's place in the
// configuration; they name the variable or the file, never the value.
func (s Secret) Read() (string, error) {
	env, file := s.Setting+"_env", s.Setting+"_file"
	first, second := env, file
	if s.FileFirst {
		first, second = file, env
	}
	switch {
	case s.Env == "" && s.File == "":
		if s.Optional {
			return "", nil
		}
		if s.FileFirst {
			return "", fmt.Errorf("%s: not set: name the file (or %s the environment variable) holding %s", first, second, s.Holds)
		}
		return "", fmt.Errorf("%s: not set: name the environment variable (or %s the file) holding %s", first, second, s.Holds)
	case s.Env != "" && s.File != "":
		return "", fmt.Errorf("%s: and %s are both set: keep one", first, second)
	case s.Env != "":
		if !envVariableRe.MatchString(s.Env) {
			return "", fmt.Errorf("%s: %q is not the name of an environment variable", env, s.Env)
		}
		v := os.Getenv(s.Env)
		if v == "" {
			return "", fmt.Errorf("%s: environment variable %s is not set", env, s.Env)
		}
		return v, nil
	}
	b, err := os.ReadFile(s.File)
	if err != nil {
		// The *PathError's operation and path are said here once.
		return "", fmt.Errorf("%s: cannot read %s: %w", file, s.File, errors.Unwrap(err))
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return "", fmt.Errorf("%s: %s is empty", file, s.File)
	}
	return v, nil
}

// ParseBaseURL parses an API's address, such as https://api.hubapi.com,
// and checks that it is https, or http only to this host (a test's
// server), so that no secret or token sent to it crosses a network in the
// clear, and that it is the address alone: no path (a trailing slash
// aside), query or user. The URL it returns has no trailing slash. Its
// error is worded to follow the quoted setting, such as "is not https
// (http only to this host)"; what names the address in it, such as "the
// API's address".
func ParseBaseURL(base, what string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, errors.New("is not an https URL")
	}
	if u.RawQuery != "" || u.ForceQuery || u.User != nil || strings.Trim(u.Path, "/") != "" {
		return nil, fmt.Errorf("is not %s alone (no path, query or user)", what)
	}
	if u.Scheme == "http" {
		host := u.Hostname()
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, errors.New("is not https (http only to this host)")
		}
	}
	u.Path, u.RawPath = "", ""
	return u, nil
}
