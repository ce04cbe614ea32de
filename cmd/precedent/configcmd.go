package main

import (
	"github.com/spf13/cobra"
)

func (m *Main) configCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration (file values over defaults, with flags applied)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := m.config.YAML()
			if err != nil {
				return err
			}
			_, err = m.Stdout.Write(b)
			return err
		},
	}
}
