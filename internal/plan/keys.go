package plan

import "strings"

// Key names a record that a plan refers to before its Id is known: a step
// that creates it carries its Key, and later steps name it in Refs; apply
// fills in the Id once the record exists.
type Key struct {
	Of   KeyKind
	Name string // lower-cased: Salesforce's names compare without case
}

// KeyKind is what a Key names.
type KeyKind string

// Key kinds.
const (
	KeyProfile KeyKind = "profile"
	// KeyProfilePermSet is a profile's own permission set, which holds its
	// object and field access.
	KeyProfilePermSet KeyKind = "profileps"
	KeyPermSet        KeyKind = "permset"
	KeyGroup          KeyKind = "group"
	KeyUser           KeyKind = "user"
	KeyLicence        KeyKind = "psl" // by the licence's Id(15)
)

func newKey(of KeyKind, name string) Key { return Key{Of: of, Name: strings.ToLower(name)} }

// ProfileKey, PermSetKey, GroupKey, UserKey and LicenceKey name records.
func ProfileKey(name string) Key  { return newKey(KeyProfile, name) }
func PermSetKey(name string) Key  { return newKey(KeyPermSet, name) }
func GroupKey(name string) Key    { return newKey(KeyGroup, name) }
func UserKey(username string) Key { return newKey(KeyUser, username) }
func LicenceKey(id15 string) Key  { return newKey(KeyLicence, id15) }

// OwnedPermSet is the key of a profile's own permission set.
func (k Key) OwnedPermSet() Key { return Key{Of: KeyProfilePermSet, Name: k.Name} }

// IsZero reports an unset key.
func (k Key) IsZero() bool { return k == Key{} }

func (k Key) String() string {
	if k.IsZero() {
		return ""
	}
	return string(k.Of) + ":" + k.Name
}
