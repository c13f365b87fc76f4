package cli

import (
	"encoding/json"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/sfprov/sfprov/internal/diag"
)

// redactor replaces known secret values (the access token, values of secret
// spec variables, passwords read from the environment) with "(secret)" in
// everything sfprov prints. Renderers already print "(secret)" for values they
// know are secret; this is the second line of defence for text they do not
// control, such as an error message in which Salesforce echoes a value.
// diag.Redact says how: every secret whatever its length, a short one only
// as a whole word, and the replacement the same whatever the secret.
type redactor struct {
	mu      sync.Mutex
	secrets []string
}

// add registers values to hide ("" is ignored), each also as it reads in a
// JSON string (a quote or backslash escaped), so that the JSON envelope
// hides it as well.
func (r *redactor) add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		for _, form := range []string{v, jsonEscaped(v)} {
			if form != "" && !slices.Contains(r.secrets, form) {
				r.secrets = append(r.secrets, form)
			}
		}
	}
}

// jsonEscaped is s as encoding/json writes it inside a string, HTML
// characters left as they are (render.WriteJSON).
func jsonEscaped(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(s) != nil {
		return ""
	}
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

func (r *redactor) redact(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return diag.Redact(s, r.secrets)
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
