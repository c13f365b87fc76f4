// Command sfprov provisions Salesforce integration users from a YAML spec.
package main

import (
	"os"

	"github.com/sfprov/sfprov/internal/cli"
)

func main() { os.Exit(cli.Main()) }
