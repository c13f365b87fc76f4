package emulator

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// Users' passwords are kept only as salted PBKDF2-SHA256 hashes, in memory
// and in the state file, so that a state file shows no password:
//
//	pbkdf2-sha256$ITERATIONS$SALT$HASH   (salt and hash in unpadded base64)
//
// A real org never shows a password either; the emulator needs one only to
// check the password grant and the SOAP login.
const (
	passwordHashPrefix = "pbkdf2-sha256$"
	passwordIterations = 4096
)

var b64 = base64.RawStdEncoding

// hashPassword returns the stored form of pw.
func hashPassword(pw string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic("emulator: no randomness for a password salt: " + err.Error())
	}
	return passwordHashPrefix + strconv.Itoa(passwordIterations) + "$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(derive(pw, salt, passwordIterations))
}

func derive(pw string, salt []byte, iter int) []byte {
	k, err := pbkdf2.Key(sha256.New, pw, salt, iter, sha256.Size)
	if err != nil {
		panic(fmt.Sprintf("emulator: pbkdf2: %v", err))
	}
	return k
}

// isPasswordHash tells a stored hash from a password kept in clear by an
// older state file.
func isPasswordHash(s string) bool { return strings.HasPrefix(s, passwordHashPrefix) }

// passwordMatches reports whether pw is the password stored as stored.
func passwordMatches(stored, pw string) bool {
	if stored == "" || pw == "" || !isPasswordHash(stored) {
		return false
	}
	parts := strings.Split(strings.TrimPrefix(stored, passwordHashPrefix), "$")
	if len(parts) != 3 {
		return false
	}
	iter, err := strconv.Atoi(parts[0])
	if err != nil || iter < 1 || iter > 1<<20 {
		return false
	}
	salt, err1 := b64.DecodeString(parts[1])
	want, err2 := b64.DecodeString(parts[2])
	if err1 != nil || err2 != nil || len(want) != sha256.Size {
		return false
	}
	return subtle.ConstantTimeCompare(derive(pw, salt, iter), want) == 1
}

// setPassword stores userID's password, hashed.
// setPassword keeps a user's new password (hashed) and stamps
// User.LastPasswordChangeDate ("The date and time when the user's password
// was last changed", the User object reference; that a reset stamps it as
// a set does is UNCONFIRMED). A user never given one keeps null there.
func (o *Org) setPassword(userID, pw string) {
	o.meta.Passwords[userID] = hashPassword(pw)
	if _, _, ok := o.st.Get(userID); ok {
		o.st.set(userID, map[string]any{"LastPasswordChangeDate": timestamp(o.now())})
	}
}

// hashLegacyPasswords hashes the passwords an older state file kept in clear.
func (o *Org) hashLegacyPasswords() {
	for id, pw := range o.meta.Passwords {
		if pw != "" && !isPasswordHash(pw) {
			o.meta.Passwords[id] = hashPassword(pw)
		}
	}
}
