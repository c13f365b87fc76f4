// Package sfid makes and checks Salesforce record Ids.
//
// An Id is 15 case-sensitive characters (3-character key prefix, then the
// record's number) plus, in the 18-character form that the APIs return, a
// 3-character suffix that encodes which of the first 15 characters are upper
// case, so that case-insensitive systems can tell Ids apart.
// Source: Salesforce "What is a Salesforce ID" (18-character Id algorithm);
// every Id in shared/reference/fixtures carries such a suffix
// (e.g. 005dM00000awSFJQA2 in oauth-userinfo.json).
package sfid

import (
	"strings"
)

const suffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// instance is the two characters after the key prefix. Real orgs put their
// pod there (e.g. "dM" in 005dM00000awSFJQA2); the emulator uses "Em".
const instance = "Em"

// New returns the 18-character Id of record number n with the given 3-character key prefix.
func New(prefix string, n uint64) string {
	var b [6]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = base62[n%62]
		n /= 62
	}
	return To18(prefix + instance + "0000" + string(b[:]))
}

// To18 adds the case-checksum suffix to a 15-character Id. Other lengths are returned unchanged.
func To18(id string) string {
	if len(id) != 15 {
		return id
	}
	var sb strings.Builder
	sb.Grow(18)
	sb.WriteString(id)
	for chunk := 0; chunk < 3; chunk++ {
		n := 0
		for i := 0; i < 5; i++ {
			c := id[chunk*5+i]
			if c >= 'A' && c <= 'Z' {
				n |= 1 << i
			}
		}
		sb.WriteByte(suffixAlphabet[n])
	}
	return sb.String()
}

// Valid reports whether s is a well-formed 15- or 18-character Id: alphanumeric,
// and for 18 characters with the right suffix (compared case-insensitively, as
// Salesforce does).
func Valid(s string) bool {
	if len(s) != 15 && len(s) != 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	if len(s) == 18 {
		return strings.EqualFold(To18(s[:15])[15:], s[15:])
	}
	return true
}

// Canonical returns the 18-character form of a valid Id ("" when s is not one).
func Canonical(s string) string {
	if !Valid(s) {
		return ""
	}
	return To18(s[:15])
}

// Prefix returns the key prefix of an Id ("" when too short).
func Prefix(s string) string {
	if len(s) < 3 {
		return ""
	}
	return s[:3]
}
