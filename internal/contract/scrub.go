package contract

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Secret is what every secret in a recording becomes. It is plain text, not
// <secret>, because it lands inside XML elements too (a SOAP SessionHeader).
const Secret = "SCRUBBED-SECRET"

// Scrubber rewrites what a recording must not keep: tokens and secrets,
// Salesforce Ids, the running user's username and names, the org's name and
// My Domain. It works on the text, so that key order, spacing and types
// stay as the org sent them (the fidelity comparison reads key order). Ids
// become placeholders of the same length and key prefix, one per Id
// throughout the recording, so that replay can follow them (an Id created by
// one answer and sent in a later request).
type Scrubber struct {
	mu       sync.Mutex
	secrets  []string
	literals [][2]string
	ids      map[string]string // a real Id's first 15 characters → its placeholder's
	perKind  map[string]int
}

// NewScrubber returns a scrubber that knows no value yet: Ids, secret
// fields and e-mail addresses are scrubbed by their form alone.
func NewScrubber() *Scrubber {
	return &Scrubber{ids: map[string]string{}, perKind: map[string]int{}}
}

// Secret adds values (tokens) scrubbed wherever they appear.
func (s *Scrubber) Secret(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if len(v) >= 8 {
			s.secrets = append(s.secrets, v)
		}
	}
}

// Literal adds a value replaced wherever it appears (a username, a host);
// values shorter than 4 characters are ignored, since they would replace
// parts of ordinary words.
func (s *Scrubber) Literal(value, with string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(value) >= 4 && value != with {
		s.literals = append(s.literals, [2]string{value, with})
		// Longest first, so that a host is replaced before a part of it.
		sort.SliceStable(s.literals, func(i, j int) bool { return len(s.literals[i][0]) > len(s.literals[j][0]) })
	}
}

// String adds a value replaced where it is a whole JSON string (an org's or
// a person's name): as a bare literal it could be an ordinary word.
func (s *Scrubber) String(value, with string) {
	if value != "" && value != with {
		s.Literal(`"`+value+`"`, `"`+with+`"`)
	}
}

var (
	// Salesforce Ids: 15 or 18 characters, a key prefix that starts with a
	// digit for every standard object (custom objects' a0X prefixes are
	// not used by the suite).
	idPattern = regexp.MustCompile(`\b[0-9][0-9A-Za-z]{14}(?:[0-9A-Za-z]{3})?\b`)
	// A profile's own permission set is named X and the profile's Id
	// (X00e…), where the Id is no word of its own.
	xIDPattern = regexp.MustCompile(`\bX(0[0-9A-Za-z]{14}(?:[0-9A-Za-z]{3})?)\b`)
	// placeholderPattern is an Id that Scrub wrote.
	placeholderPattern = regexp.MustCompile(`\b[0-9][0-9A-Za-z]{2}0000[0-9]{8}(?:AAA)?\b`)
	secretJSON         = regexp.MustCompile(`(?i)("(?:access_token|refresh_token|id_token|client_secret|password|newpassword|consumersecret|consumerkey|secret|key|signature|sessionid)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	secretXML          = regexp.MustCompile(`(?i)<((?:[a-z]+:)?(?:sessionId|password|consumerSecret|consumerKey|secret))>[^<]*<`)
	secretForm         = regexp.MustCompile(`\b(password|client_secret|refresh_token|assertion|code|code_verifier|token)=[^&\s"]*`)
	emailPattern       = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
)

// Scrub returns b with every secret, Id and known value replaced.
func (s *Scrubber) Scrub(b []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := string(b)
	for _, v := range s.secrets {
		t = strings.ReplaceAll(t, v, Secret)
	}
	t = secretJSON.ReplaceAllString(t, `$1"`+Secret+`"`)
	t = secretXML.ReplaceAllString(t, `<$1>`+Secret+`<`)
	t = secretForm.ReplaceAllString(t, `$1=`+Secret)
	for _, l := range s.literals {
		t = strings.ReplaceAll(t, l[0], l[1])
	}
	t = emailPattern.ReplaceAllStringFunc(t, keepTestAddress)
	t = idPattern.ReplaceAllStringFunc(t, s.placeholder)
	t = xIDPattern.ReplaceAllStringFunc(t, func(x string) string { return "X" + s.placeholder(x[1:]) })
	return []byte(t)
}

// keepTestAddress keeps the addresses that name nobody (the suite's own
// users are at RUN.example.com) and replaces every other one.
func keepTestAddress(addr string) string {
	domain := strings.ToLower(addr[strings.LastIndexByte(addr, '@')+1:])
	if domain == "example.com" || strings.HasSuffix(domain, ".example.com") || strings.HasSuffix(domain, ".invalid") {
		return addr
	}
	return "someone@example.com"
}

// placeholder is the stand-in of one Id: its key prefix, four zeros and a
// count, 15 or 18 characters as the Id was (case-safe Ids end in AAA here,
// which is no checksum; nothing reads it).
func (s *Scrubber) placeholder(id string) string {
	if isDigits(id) || placeholderPattern.MatchString(id) || strings.HasPrefix(id, "000000000000000") {
		return id // a number, a placeholder already, or the empty Id
	}
	key := id[:15]
	p, ok := s.ids[key]
	if !ok {
		prefix := id[:3]
		s.perKind[prefix]++
		p = fmt.Sprintf("%s0000%08d", prefix, s.perKind[prefix])
		s.ids[key] = p
	}
	if len(id) == 18 {
		return p + "AAA"
	}
	return p
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
