package spec

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Password modes for users.
const (
	PasswordNone    = "none"
	PasswordReset   = "reset"
	PasswordFromEnv = "fromEnv"
)

// UserPassword is what to do about a user's password.
type UserPassword struct {
	Mode    string // PasswordNone | PasswordReset | PasswordFromEnv
	FromEnv string // environment variable name, Mode == PasswordFromEnv
}

// User is a user to create or converge, keyed by Username.
type User struct {
	Username              Value
	FirstName             *Value
	LastName              *Value
	Email                 *Value
	Alias                 *Value
	Profile               string
	TimeZone              string
	Locale                string
	Language              string
	EmailEncoding         string
	Active                *bool
	Password              *UserPassword
	Fields                map[string]Value // any other writable User field
	PermissionSetLicenses []NamedRef
	PermissionSets        []NamedRef
	PermissionSetGroups   []NamedRef
	Prune                 bool
	If                    *Condition
	Pos                   Pos
}

var (
	userKeys      = []string{"username", "firstName", "lastName", "email", "alias", "profile", "timeZone", "locale", "language", "emailEncoding", "active", "password", "fields", "permissionSetLicenses", "permissionSets", "permissionSetGroups", "prune", "if"}
	passwordKeys  = []string{"fromEnv"}
	passwordModes = []string{PasswordNone, PasswordReset}
	// Source: User object reference, EmailEncodingKey picklist.
	emailEncodings = []string{"UTF-8", "ISO-8859-1", "Shift_JIS", "ISO-2022-JP", "EUC-JP", "ks_c_5601-1987", "Big5", "GB2312", "Big5-HKSCS", "x-SJIS_0213"}
)

// userFieldKeys are User fields that have their own spec key; writing them
// under `fields:` would fight that key.
var userFieldKeys = map[string]string{
	"username": "username", "firstname": "firstName", "lastname": "lastName", "email": "email",
	"alias": "alias", "profileid": "profile", "timezonesidkey": "timeZone", "localesidkey": "locale",
	"languagelocalekey": "language", "emailencodingkey": "emailEncoding", "isactive": "active",
}

func (p *parser) decodeUser(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "user", userKeys)
	if !ok {
		return
	}
	u := User{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, u.If) }()
	if un := p.required(f, fs, "username", "user"); un != nil {
		if v, ok := p.value(f, un, "username"); ok {
			if !emailRE.MatchString(v.Value) {
				p.errAt(f, un, "invalid username %s: a Salesforce username has the form of an email address (name@example.com)", quoteValue(v))
			} else if l := len(v.Value); l > 80 {
				p.errAt(f, un, "username is %d characters long; the limit is 80", l)
			}
			u.Username = v
		}
	}
	u.FirstName = p.optValue(f, fs, "firstName")
	if v, n := p.requiredValue(f, fs, "lastName", "user"); n != nil {
		u.LastName = &v
	}
	if v, n := p.requiredValue(f, fs, "email", "user"); n != nil {
		u.Email = &v
		if !emailRE.MatchString(v.Value) {
			p.errAt(f, n, "invalid email %s: expected an email address", quoteValue(v))
		}
	}
	u.Alias = p.optValue(f, fs, "alias")
	if u.Alias != nil {
		if l := len([]rune(u.Alias.Value)); l > 8 {
			p.errAt(f, fs.get("alias"), "alias %s is %d characters long; the limit is 8", quoteValue(*u.Alias), l)
		} else if l == 0 {
			p.errAt(f, fs.get("alias"), "alias must not be empty")
		}
	}
	u.Profile, _ = p.requiredStr(f, fs, "profile", "user")
	if s := p.optStr(f, fs, "timeZone"); s != nil {
		u.TimeZone = *s
	}
	if s := p.optStr(f, fs, "locale"); s != nil {
		u.Locale = *s
	}
	if s := p.optStr(f, fs, "language"); s != nil {
		u.Language = *s
	}
	u.EmailEncoding = p.enumKey(f, fs, "emailEncoding", "emailEncoding", emailEncodings)
	u.Active = p.optBool(f, fs, "active")
	if pn := fs.get("password"); !isNull(pn) {
		u.Password = p.password(f, pn)
	}
	if fn := fs.get("fields"); !isNull(fn) {
		if fn.Kind != yaml.MappingNode {
			p.errAt(f, fn, "fields: expected a mapping of User field: value, got %s", kindName(fn))
		} else {
			u.Fields = map[string]Value{}
			lines := map[string]int{}
			for i := 0; i+1 < len(fn.Content); i += 2 {
				k, v := fn.Content[i], resolve(fn.Content[i+1])
				if k.Kind != yaml.ScalarNode || k.Value == "" {
					p.errAt(f, k, "expected a field name, got %s", kindName(k))
					continue
				}
				lk := strings.ToLower(k.Value)
				if own, clash := userFieldKeys[lk]; clash {
					p.errAt(f, k, "field %q has its own key; use %q instead", k.Value, own)
					continue
				}
				if line, dup := lines[lk]; dup {
					p.errAt(f, k, "field %q is given twice; first at line %d", k.Value, line)
					continue
				}
				lines[lk] = k.Line
				if isNull(v) {
					u.Fields[k.Value] = Value{Pos: f.pos(v)}
					continue
				}
				if val, ok := p.value(f, v, k.Value); ok {
					u.Fields[k.Value] = val
				}
			}
		}
	}
	u.PermissionSetLicenses = p.namedRefs(f, fs.get("permissionSetLicenses"), "permissionSetLicenses")
	u.PermissionSets = p.namedRefs(f, fs.get("permissionSets"), "permissionSets")
	u.PermissionSetGroups = p.namedRefs(f, fs.get("permissionSetGroups"), "permissionSetGroups")
	u.Prune = p.flag(f, fs, "prune")
	if u.Username.Value != "" {
		// Usernames are unique regardless of case. Source: User object reference.
		if !p.define("user", strings.ToLower(u.Username.Value), quoteValue(u.Username), u.Pos) {
			return
		}
	}
	p.spec.Users = append(p.spec.Users, u)
}

func (p *parser) password(f *file, n *yaml.Node) *UserPassword {
	if n.Kind == yaml.MappingNode {
		fs, ok := p.mapping(f, n, "password", passwordKeys)
		if !ok {
			return nil
		}
		vn := p.required(f, fs, "fromEnv", "password")
		if vn == nil {
			return nil
		}
		name, ok := p.rawScalar(f, vn, "fromEnv")
		if !ok {
			return nil
		}
		if !varNameRE.MatchString(name) {
			p.errAt(f, vn, "invalid fromEnv %q: expected the name of an environment variable", name)
			return nil
		}
		return &UserPassword{Mode: PasswordFromEnv, FromEnv: name}
	}
	s, ok := p.str(f, n, "password")
	if !ok {
		return nil
	}
	for _, m := range passwordModes {
		if strings.EqualFold(m, s) {
			return &UserPassword{Mode: m}
		}
	}
	// Never echo what was written: it may be a password pasted by mistake.
	p.errAt(f, n, "invalid password setting: expected none, reset or {fromEnv: VAR} (a password never goes in the spec)")
	return nil
}
