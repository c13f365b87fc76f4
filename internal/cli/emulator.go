package cli

import (
	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/emulator/emucmd"
)

// newEmulatorCmd is `sfprov emulator`: the emulator org served over HTTP.
func newEmulatorCmd() *cobra.Command { return emucmd.New() }
