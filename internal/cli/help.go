package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// envHelp is what each environment variable sfprov reads is for, as each
// command's help lists it (README.md has the same table).
var envHelp = map[string]string{
	"SFPROV_TARGET_ORG":         "the target org when -o is not given",
	"SFPROV_HOME":               "the directory of the local org and the saved logins",
	"SF_ACCESS_TOKEN":           "an access token for a URL target",
	"SFPROV_CLIENT_ID":          "the app's consumer key (URL targets; --client-id)",
	"SFPROV_CLIENT_SECRET":      "the consumer secret (client credentials, web logins that need it)",
	"SFPROV_CLIENT_SECRET_FILE": "a file holding the consumer secret",
	"SFPROV_JWT_KEY_FILE":       "the JWT bearer flow's private key (--key-file)",
	"SFPROV_USERNAME":           "the JWT bearer flow's user (--username)",
	"SFPROV_LOGIN_URL":          "where JWT logs in (--login-url)",
	"SFPROV_LOCK_WAIT":          "how long to wait for another sfprov using the local org (default 2m)",
	"XDG_DATA_HOME":             "where the local org lives when SFPROV_HOME is unset",
	"XDG_CONFIG_HOME":           "where the logins live when SFPROV_HOME is unset",
	"NO_COLOR":                  "set (not empty): no colour",
	"TERM":                      "dumb: no colour",
	"LC_ALL":                    "the locale (then LC_CTYPE, LANG); not UTF-8: ASCII symbols",
}

// Which variables each kind of command reads.
var (
	envTarget = []string{"SFPROV_TARGET_ORG", "SF_ACCESS_TOKEN", "SFPROV_CLIENT_ID", "SFPROV_CLIENT_SECRET", "SFPROV_CLIENT_SECRET_FILE",
		"SFPROV_JWT_KEY_FILE", "SFPROV_USERNAME", "SFPROV_LOGIN_URL", "SFPROV_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "SFPROV_LOCK_WAIT"}
	envOutput = []string{"NO_COLOR", "TERM", "LC_ALL"}
	envSpec   = append(append([]string{}, envTarget...), envOutput...)
	envLogin  = []string{"SFPROV_CLIENT_ID", "SFPROV_CLIENT_SECRET", "SFPROV_CLIENT_SECRET_FILE", "SFPROV_JWT_KEY_FILE", "SFPROV_USERNAME",
		"SFPROV_LOGIN_URL", "SFPROV_HOME", "XDG_CONFIG_HOME"}
	envStore = []string{"SFPROV_HOME", "XDG_CONFIG_HOME"}
)

// withEnv appends to cmd's long help the environment variables it reads
// (before it, note: a paragraph of its own, such as the spec's variables).
func withEnv(cmd *cobra.Command, note string, vars ...string) *cobra.Command {
	long := cmd.Long
	if long == "" {
		long = cmd.Short + "."
	}
	var b strings.Builder
	b.WriteString(long)
	b.WriteString("\n\nEnvironment variables:\n")
	if note != "" {
		b.WriteString("  " + note + "\n")
	}
	w := 0
	for _, v := range vars {
		w = max(w, len(v))
	}
	for _, v := range vars {
		fmt.Fprintf(&b, "  %-*s  %s\n", w, v, envHelp[v])
	}
	cmd.Long = strings.TrimSuffix(b.String(), "\n")
	return cmd
}

const specVarsNote = "${NAME} in the spec: --var NAME=value, else the environment variable NAME, else the declared default"
