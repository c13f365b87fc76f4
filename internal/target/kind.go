package target

import (
	"net"
	"net/url"
	"strings"
)

// Kinds of org, as every plan, apply and status names them.
const (
	KindEmbedded   = "embedded emulator org"
	KindEmulator   = "emulator"
	KindSandbox    = "sandbox"
	KindProduction = "production"
)

// KindOf names an org at instanceURL. Salesforce is never served on the
// loopback interface, so an org there is an emulator; otherwise the org's
// own Organization.IsSandbox decides.
func KindOf(instanceURL string, isSandbox bool) string {
	if IsLoopback(instanceURL) {
		return KindEmulator
	}
	if isSandbox {
		return KindSandbox
	}
	return KindProduction
}

// IsLoopback reports whether rawURL's host is this machine.
func IsLoopback(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isURL reports whether name is an instance URL rather than an alias.
func isURL(name string) bool {
	return strings.HasPrefix(name, "https://") || strings.HasPrefix(name, "http://")
}

// LoginURLFor is where to log in: the explicit login URL, else the sandbox
// or production login host, else the instance (My Domain) URL.
func LoginURLFor(loginURL string, sandbox bool, instanceURL string) string {
	switch {
	case loginURL != "":
		return strings.TrimRight(loginURL, "/")
	case sandbox:
		return "https://test.salesforce.com"
	case instanceURL != "":
		return strings.TrimRight(instanceURL, "/")
	}
	return "https://login.salesforce.com"
}
