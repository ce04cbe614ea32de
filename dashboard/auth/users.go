// Package auth holds the dashboard's users, roles and sessions. Users live
// in the configuration with bcrypt-hashed passwords; sessions live in
// memory, so a restart signs everyone out. (CSRF tokens and the login
// back-off are the dashboard's.)
package auth

import (
	"errors"
	"fmt"
	"regexp"

	"golang.org/x/crypto/bcrypt"
)

// Role is what a user may do. Each role includes the ones before it.
type Role string

// The roles, from least to most.
const (
	Viewer  Role = "viewer"  // dashboards
	Analyst Role = "analyst" // also the SQL page and exports
	Admin   Role = "admin"   // also triggers runs
)

var rank = map[Role]int{Viewer: 1, Analyst: 2, Admin: 3}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	if _, ok := rank[Role(s)]; !ok {
		return "", fmt.Errorf("role %q: want viewer, analyst or admin", s)
	}
	return Role(s), nil
}

// Allows reports whether r includes need.
func (r Role) Allows(need Role) bool { return rank[r] >= rank[need] && rank[r] > 0 }

// User is one configured user.
type User struct {
	Name         string `yaml:"name"`
	Role         Role   `yaml:"role"`
	PasswordHash string `yaml:"password_hash"`
}

var nameRe = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)

// ValidName checks a user name: 1-64 letters, digits and . _ @ -.
func ValidName(name string) error {
	if !nameRe.MatchString(name) {
		return fmt.Errorf("user name %q: use 1-64 letters, digits, '.', '_', '@' or '-'", name)
	}
	return nil
}

// MinPasswordLength is the shortest password `precedent user add` accepts.
const MinPasswordLength = 10

// HashPassword hashes a password with bcrypt.
func HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLength {
		return "", fmt.Errorf("password: use at least %d characters", MinPasswordLength)
	}
	if len(password) > 72 {
		return "", errors.New("password: bcrypt reads at most 72 bytes; use a shorter one")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// dummyHash is compared against when the user does not exist, so a login
// takes as long for an unknown name as for a wrong password. It is a
// constant, a bcrypt hash at bcrypt.DefaultCost (TestDummyHash checks):
// hashing it when the package loads cost every command 70 ms of CPU.
var dummyHash = []byte("$2a$10$1VjKkptQy9Pv12kXUXthg.SeXQfULPhefH5ghuQUl9wPPFPeB4Gaq")

// Authenticate returns the user whose name and password match.
func Authenticate(users []User, name, password string) (User, bool) {
	for _, u := range users {
		if u.Name == name {
			ok := bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
			return u, ok
		}
	}
	bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
	return User{}, false
}
