package contract

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"
)

// FormatVersion is the version of index.json.
const FormatVersion = 1

// Recording is what a contract run sent and got, scrubbed.
type Recording struct {
	FormatVersion int `json:"formatVersion"`
	// Org says what answered: "emulator", or the org's OrganizationType
	// and sandbox flag ("Developer Edition", "Enterprise Edition sandbox").
	Org       string     `json:"org"`
	Exchanges []Exchange `json:"exchanges"`
}

// Exchange is one request and its answer. The answer's body is the fixture
// file File (none when the body was empty); Body holds it in memory.
type Exchange struct {
	Seq    int    `json:"seq"`
	Method string `json:"method"`
	Path   string `json:"path"`
	// Query is the query string, encoded (url.Values.Encode).
	Query string `json:"query,omitempty"`
	// Header holds the request headers that change an answer.
	Header map[string]string `json:"header,omitempty"`
	// RequestBody is the body when it is text; RequestBodyBase64 when it
	// is not (a multipart deploy with its zip, which holds no secret).
	RequestBody       string `json:"requestBody,omitempty"`
	RequestBodyBase64 string `json:"requestBodyBase64,omitempty"`
	Status            int    `json:"status"`
	ContentType       string `json:"contentType,omitempty"`
	File              string `json:"file,omitempty"`
	Body              []byte `json:"-"`
}

// Target is the request as one line: method, path and query, decoded.
func (e Exchange) Target() string {
	s := e.Method + " " + e.Path
	if e.Query != "" {
		if q, err := url.QueryUnescape(e.Query); err == nil {
			s += "?" + q
		} else {
			s += "?" + e.Query
		}
	}
	return s
}

// requestBody is the request body as sent.
func (e Exchange) requestBody() ([]byte, error) {
	if e.RequestBodyBase64 != "" {
		b, err := base64.StdEncoding.DecodeString(e.RequestBodyBase64)
		if err != nil {
			return nil, fmt.Errorf("exchange %d: requestBodyBase64: %w", e.Seq, err)
		}
		return b, nil
	}
	return []byte(e.RequestBody), nil
}

// setRequestBody keeps b as text when it is, else in base64.
func (e *Exchange) setRequestBody(b []byte) {
	if len(b) == 0 {
		return
	}
	if utf8.Valid(b) && !bytes.ContainsRune(b, 0) {
		e.RequestBody = string(b)
		return
	}
	e.RequestBodyBase64 = base64.StdEncoding.EncodeToString(b)
}

var slugUnsafe = regexp.MustCompile(`[^A-Za-z0-9]+`)

// fileName names an answer's fixture as the fixtures directory does: what
// was asked, readable (001-GET-tooling-query.json).
func fileName(e Exchange) string {
	p := strings.TrimPrefix(e.Path, "/")
	p = regexp.MustCompile(`^services/data/v[0-9.]+/?`).ReplaceAllString(p, "")
	p = placeholderPattern.ReplaceAllString(p, "id")
	slug := strings.Trim(slugUnsafe.ReplaceAllString(p, "-"), "-")
	if slug == "" {
		slug = "root"
	}
	if len(slug) > 60 {
		slug = slug[:60]
	}
	ext := ".txt"
	switch ct := strings.ToLower(e.ContentType); {
	case strings.Contains(ct, "json"):
		ext = ".json"
	case strings.Contains(ct, "xml"):
		ext = ".xml"
	case strings.Contains(ct, "html"):
		ext = ".html"
	}
	return fmt.Sprintf("%03d-%s-%s%s", e.Seq, e.Method, slug, ext)
}

// Write writes the recording into dir (made if missing): index.json, INDEX.md
// and one file per answer with a body. JSON answers are indented as
// Salesforce's fixtures are, keys in the order the org sent them.
func (r *Recording) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write the recording: %w", err)
	}
	var md strings.Builder
	fmt.Fprintf(&md, "# Contract recording (%s)\n\nWritten by the contract suite (docs/contract.md); scrubbed: no token, secret, org Id, username or org name.\n\n| file | request | status |\n|---|---|---|\n", r.Org)
	for i := range r.Exchanges {
		e := &r.Exchanges[i]
		if len(e.Body) > 0 {
			e.File = fileName(*e)
			body := e.Body
			var ind bytes.Buffer
			if json.Indent(&ind, body, "", "  ") == nil {
				body = append(ind.Bytes(), '\n')
			}
			if err := os.WriteFile(filepath.Join(dir, e.File), body, 0o644); err != nil {
				return fmt.Errorf("write the recording: %w", err)
			}
		}
		fmt.Fprintf(&md, "| %s | `%s` | %d |\n", e.File, strings.ReplaceAll(e.Target(), "|", `\|`), e.Status)
	}
	idx, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("write the recording: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.json"), append(idx, '\n'), 0o644); err != nil {
		return fmt.Errorf("write the recording: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "INDEX.md"), []byte(md.String()), 0o644); err != nil {
		return fmt.Errorf("write the recording: %w", err)
	}
	return nil
}

// ReadRecording reads a recording that Write wrote.
func ReadRecording(dir string) (*Recording, error) {
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return nil, fmt.Errorf("read the recording: %w", err)
	}
	var r Recording
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read the recording %s: %w", dir, err)
	}
	if r.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("read the recording %s: format %d, this sfprov reads %d", dir, r.FormatVersion, FormatVersion)
	}
	for i := range r.Exchanges {
		e := &r.Exchanges[i]
		if e.File == "" {
			continue
		}
		if e.Body, err = os.ReadFile(filepath.Join(dir, e.File)); err != nil {
			return nil, fmt.Errorf("read the recording: %w", err)
		}
	}
	return &r, nil
}
