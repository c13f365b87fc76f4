package cli

import (
	"io"
	"sort"
	"strings"
	"sync"
)

// redactor replaces known secret values (the access token, values of secret
// spec variables, passwords read from the environment) with "(secret)" in
// everything sfprov prints. Renderers already print "(secret)" for values they
// know are secret; this is the second line of defence for text they do not
// control, such as an error message in which Salesforce echoes a value.
type redactor struct {
	mu      sync.Mutex
	secrets []string
}

// add registers values to hide. Very short values are ignored: hiding "1" or
// "a" would garble ordinary output and protects nothing.
func (r *redactor) add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		if len(v) >= 4 {
			r.secrets = append(r.secrets, v)
		}
	}
	// Longest first, so a secret that contains another is hidden whole.
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
}

func (r *redactor) redact(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range r.secrets {
		s = strings.ReplaceAll(s, v, "(secret)")
	}
	return s
}

// writer wraps w so that everything written through it is redacted.
func (r *redactor) writer(w io.Writer) io.Writer { return &redactWriter{r: r, w: w} }

type redactWriter struct {
	r *redactor
	w io.Writer
}

func (rw *redactWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(rw.w, rw.r.redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
