package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/precedent-dev/precedent/cmd/precedent/config"
	"github.com/precedent-dev/precedent/dashboard/auth"
)

func (m *Main) userCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage dashboard users (stored in the configuration file)"}
	var role string
	var fromStdin bool
	add := &cobra.Command{
		Use:   "add NAME --role viewer|analyst|admin [--password-stdin]",
		Short: "Add a user, or change an existing user's role and password",
		Long: `Adds a user to the configuration file with a bcrypt hash of the password, asked for twice
on a terminal or read from standard input with --password-stdin. Roles: viewer sees the
dashboards; analyst also the SQL page and exports; admin also starts runs.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if err := auth.ValidName(name); err != nil {
				return err
			}
			r, err := auth.ParseRole(role)
			if err != nil {
				return fmt.Errorf("--role: %w", err)
			}
			password, err := m.readPassword(fromStdin)
			if err != nil {
				return err
			}
			hash, err := auth.HashPassword(password)
			if err != nil {
				return err
			}
			// Re-read the file so flags of this command line (--as-of,
			// --data) are not written into it.
			c, err := config.Load(m.config.Path(), false)
			if err != nil {
				return err
			}
			u := auth.User{Name: name, Role: r, PasswordHash: hash}
			verb := "added"
			if i := slices.IndexFunc(c.Users, func(x auth.User) bool { return x.Name == name }); i >= 0 {
				c.Users[i], verb = u, "updated"
			} else {
				c.Users = append(c.Users, u)
			}
			if err := c.Save(); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "%s user %s (%s) in %s\n", verb, name, r, c.Path())
			return nil
		},
	}
	add.Flags().StringVar(&role, "role", "viewer", "viewer, analyst or admin")
	add.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from standard input")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the users and their roles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, u := range m.config.Users {
				fmt.Fprintf(m.Stdout, "%s\t%s\n", u.Name, u.Role)
			}
			return nil
		},
	}
	cmd.AddCommand(add, list)
	return cmd
}

// readPassword reads a password twice from a terminal, or once from stdin.
func (m *Main) readPassword(fromStdin bool) (string, error) {
	in, isFile := m.Stdin.(*os.File)
	if fromStdin || !isFile || !term.IsTerminal(int(in.Fd())) {
		line, err := bufio.NewReader(m.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", errors.New("no password on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	fmt.Fprint(m.Stderr, "Password: ")
	a, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(m.Stderr)
	if err != nil {
		return "", err
	}
	fmt.Fprint(m.Stderr, "Again: ")
	b, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(m.Stderr)
	if err != nil {
		return "", err
	}
	if string(a) != string(b) {
		return "", errors.New("the passwords differ")
	}
	return string(a), nil
}
