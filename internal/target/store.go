package target

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Flows a stored login renews itself with.
const (
	FlowWeb               = "web"
	FlowJWT               = "jwt"
	FlowClientCredentials = "client-credentials"
	FlowSfdxURL           = "sfdx-url"
)

// Login is one org saved by `sfprov auth login`: where it is, who sfprov acts
// as, and what renews the session. It holds secrets (tokens, a client
// secret), so it lives in a file of its own with mode 0600 and is never
// printed: Summary is what commands may show.
type Login struct {
	Alias        string    `json:"alias"`
	Username     string    `json:"username"`
	UserID       string    `json:"userId,omitempty"`
	OrgID        string    `json:"orgId,omitempty"`
	InstanceURL  string    `json:"instanceUrl"`
	LoginURL     string    `json:"loginUrl"`
	IsSandbox    bool      `json:"isSandbox"`
	Flow         string    `json:"flow"`
	ClientID     string    `json:"clientId,omitempty"`
	ClientSecret string    `json:"clientSecret,omitempty"`
	KeyFile      string    `json:"keyFile,omitempty"` // JWT: the private key's path, read at each renewal
	RefreshToken string    `json:"refreshToken,omitempty"`
	AccessToken  string    `json:"accessToken,omitempty"`
	SavedAt      time.Time `json:"savedAt"`
}

// Summary is a login without its secrets.
type Summary struct {
	Alias       string `json:"alias"`
	Username    string `json:"username"`
	OrgID       string `json:"orgId,omitempty"`
	InstanceURL string `json:"instanceUrl"`
	Kind        string `json:"kind"`
	Flow        string `json:"flow"`
}

// Summary returns what may be shown of l.
func (l *Login) Summary() Summary {
	return Summary{Alias: l.Alias, Username: l.Username, OrgID: l.OrgID, InstanceURL: l.InstanceURL,
		Kind: KindOf(l.InstanceURL, l.IsSandbox), Flow: l.Flow}
}

// Store is the directory of saved logins, one file per alias.
type Store struct{ dir string }

// OpenStore is the login store under the configuration directory.
func OpenStore(getenv Getenv) (*Store, error) {
	dir, err := ConfigDir(getenv)
	if err != nil {
		return nil, err
	}
	return &Store{dir: filepath.Join(dir, "orgs")}, nil
}

// aliasPattern keeps an alias usable as a file name and apart from the other
// kinds of target name ("local", URLs, sf CLI access tokens "00D…!…").
var aliasPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CheckAlias says why name cannot be an alias, or nil.
func CheckAlias(name string) error {
	switch {
	case name == "":
		return errors.New("an alias is required (--alias NAME)")
	case strings.EqualFold(name, Local):
		return fmt.Errorf("alias %q is reserved for the embedded emulator org", name)
	case !aliasPattern.MatchString(name):
		return fmt.Errorf("alias %q: use letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit)", name)
	}
	return nil
}

func (s *Store) path(alias string) string { return filepath.Join(s.dir, alias+".json") }

// Save writes l to its own file, mode 0600, replacing it whole: a reader
// never sees half a file.
func (s *Store) Save(l *Login) error {
	if err := CheckAlias(l.Alias); err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("create the login store %s: %w", s.dir, err)
	}
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return fmt.Errorf("encode login %q: %w", l.Alias, err)
	}
	tmp, err := os.CreateTemp(s.dir, "."+l.Alias+".*.tmp")
	if err != nil {
		return fmt.Errorf("save login %q: %w", l.Alias, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("save login %q: %w", l.Alias, err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save login %q: %w", l.Alias, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save login %q: %w", l.Alias, err)
	}
	if err := os.Rename(tmp.Name(), s.path(l.Alias)); err != nil {
		return fmt.Errorf("save login %q: %w", l.Alias, err)
	}
	return nil
}

// List returns every saved login, by alias.
func (s *Store) List() ([]*Login, error) {
	entries, err := os.ReadDir(s.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the login store %s: %w", s.dir, err)
	}
	var out []*Login
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		l, err := s.read(strings.TrimSuffix(name, ".json"))
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Alias < out[j].Alias })
	return out, nil
}

func (s *Store) read(alias string) (*Login, error) {
	b, err := os.ReadFile(s.path(alias))
	if err != nil {
		return nil, err
	}
	var l Login
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("read login %s: %w", s.path(alias), err)
	}
	l.Alias = alias
	return &l, nil
}

// Find returns the login saved under alias, or the one whose username is
// name (usernames compare without case, as Salesforce's do); nil when none.
func (s *Store) Find(name string) (*Login, error) {
	if CheckAlias(name) == nil {
		l, err := s.read(name)
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	all, err := s.List()
	if err != nil {
		return nil, err
	}
	for _, l := range all {
		if strings.EqualFold(l.Username, name) {
			return l, nil
		}
	}
	return nil, nil
}

// findLogin opens the store and finds name in it (nil when it holds none).
func findLogin(getenv Getenv, name string) (*Store, *Login, error) {
	store, err := OpenStore(getenv)
	if err != nil {
		return nil, nil, err
	}
	l, err := store.Find(name)
	return store, l, err
}

// Remove forgets the login saved under alias.
func (s *Store) Remove(alias string) error {
	if err := os.Remove(s.path(alias)); err != nil {
		return fmt.Errorf("forget login %q: %w", alias, err)
	}
	return nil
}
