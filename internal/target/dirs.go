package target

import (
	"fmt"
	"os"
	"path/filepath"
)

// Getenv reads one environment variable; ok is false when it is unset.
type Getenv func(string) (string, bool)

func (g Getenv) get(name string) string {
	if g == nil {
		return ""
	}
	v, _ := g(name)
	return v
}

// DataDir is where the embedded org keeps its state: $SFPROV_HOME, else the
// XDG data directory (~/.local/share/sfprov).
func DataDir(getenv Getenv) (string, error) {
	if d := getenv.get("SFPROV_HOME"); d != "" {
		return d, nil
	}
	if d := getenv.get("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "sfprov"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the data directory for the local org (set SFPROV_HOME): %w", err)
	}
	return filepath.Join(home, ".local", "share", "sfprov"), nil
}

// ConfigDir is where logins are kept: $SFPROV_HOME when set (one directory
// for everything sfprov keeps, as CI jobs want), else the XDG config
// directory (~/.config/sfprov).
func ConfigDir(getenv Getenv) (string, error) {
	if d := getenv.get("SFPROV_HOME"); d != "" {
		return d, nil
	}
	if d := getenv.get("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "sfprov"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the configuration directory for stored logins (set SFPROV_HOME): %w", err)
	}
	return filepath.Join(home, ".config", "sfprov"), nil
}
