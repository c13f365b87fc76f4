package spec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// diagsOf parses src as spec.yaml (relative paths resolve against testdata/)
// and returns the rendered diagnostics.
func diagsOf(t *testing.T, src string, opts Options) []string {
	t.Helper()
	_, ds := Parse("testdata/spec.yaml", []byte(src), opts)
	return ds.Strings()
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "unknown top-level key",
			src:  "version: 1\nname: x\npermsets: []\n",
			want: []string{`testdata/spec.yaml:3:1: unknown key "permsets"; did you mean "permissionSets"?`},
		},
		{
			name: "unknown key without a near choice",
			src:  "version: 1\nbananas: 3\n",
			want: []string{`testdata/spec.yaml:2:1: unknown key "bananas"`},
		},
		{
			name: "unknown nested key",
			src:  "version: 1\nusers:\n  - username: a@example.com\n    lastname: A\n    lastName: A\n    email: a@example.com\n    profile: P\n",
			want: []string{`testdata/spec.yaml:4:5: unknown key "lastname"; did you mean "lastName"?`},
		},
		{
			name: "unknown system permission",
			src: `version: 1
permissionSets:
  - name: Coconut_API
    systemPermissions: [API Enabled, Modify All Date, ApiEnabeld, Fly]
`,
			want: []string{
				`testdata/spec.yaml:4:38: unknown system permission "Modify All Date"; did you mean "Modify All Data"?`,
				`testdata/spec.yaml:4:55: unknown system permission "ApiEnabeld"; did you mean "ApiEnabled"?`,
				`testdata/spec.yaml:4:67: unknown system permission "Fly"`,
			},
		},
		{
			name: "invalid object access and fields",
			src: `version: 1
permissionSets:
  - name: P
    objects:
      - object: Contact
        access: [raed, edit]
        fields: all-rw
      - object: Lead
        fields: {Email: write, Phone: read}
`,
			want: []string{
				`testdata/spec.yaml:6:18: invalid object access "raed"; did you mean "read"? (valid: read, create, edit, delete, viewAll, modifyAll, viewAllFields)`,
				`testdata/spec.yaml:7:17: invalid fields value "all-rw" (valid: all-read, all-edit)`,
				`testdata/spec.yaml:9:25: invalid field access "write" (valid: read, edit)`,
			},
		},
		{
			name: "unknown standard object",
			src: `version: 1
permissionSets:
  - name: P
    objects:
      - {object: Contcat, access: [read]}
      - {object: Widget, access: [read]}
      - {object: Widget__c, access: [read]}
      - {object: ns__Thing__c, access: [read]}
`,
			want: []string{
				`testdata/spec.yaml:5:18: unknown object "Contcat"; did you mean "Contact"? (custom objects end in __c)`,
				`testdata/spec.yaml:6:18: unknown object "Widget" (custom objects end in __c)`,
			},
		},
		{
			name: "object listed twice",
			src:  "version: 1\npermissionSets:\n  - name: P\n    objects:\n      - {object: Contact, access: [read]}\n      - {object: contact, access: [edit]}\n      - {object: Contact, access: [edit], if: sandbox}\n",
			want: []string{`testdata/spec.yaml:6:9: object "Contact" is listed twice in this block; first at testdata/spec.yaml:5:9`},
		},
		{
			name: "wrong types",
			src: `version: 1
permissionSets:
  - name: P
    systemPermissions: API Enabled
    prune: maybe
    objects: {object: Contact}
users: {username: a@example.com}
`,
			want: []string{
				`testdata/spec.yaml:4:24: systemPermissions: expected a list, got a single value`,
				`testdata/spec.yaml:5:12: prune: expected true or false, got "maybe"`,
				`testdata/spec.yaml:6:14: objects: expected a list, got a mapping`,
				`testdata/spec.yaml:7:8: users: expected a list, got a mapping`,
			},
		},
		{
			name: "list item that is not a mapping",
			src:  "version: 1\nprofiles:\n  - Coconut\n",
			want: []string{`testdata/spec.yaml:3:5: profile: expected a mapping, got a single value`},
		},
		{
			name: "top level is not a mapping",
			src:  "- version: 1\n",
			want: []string{`testdata/spec.yaml:1:1: spec document: expected a mapping, got a list`},
		},
		{
			name: "missing version",
			src:  "name: x\n",
			want: []string{`testdata/spec.yaml:1:1: missing required key "version" (the first document of every file starts with version: 1)`},
		},
		{
			name: "wrong version",
			src:  "version: 2\n",
			want: []string{`testdata/spec.yaml:1:10: unsupported version 2 (this sfprov reads version 1)`},
		},
		{
			name: "version as a string",
			src:  "version: \"1\"\n",
			want: []string{`testdata/spec.yaml:1:10: version: expected the number 1, got "1"`},
		},
		{
			name: "later document may omit version but not change it",
			src:  "version: 1\n---\nname: x\n---\nversion: 3\n",
			want: []string{`testdata/spec.yaml:5:10: unsupported version 3 (this sfprov reads version 1)`},
		},
		{
			name: "empty file",
			src:  "# nothing here\n",
			want: []string{`testdata/spec.yaml: empty spec file (it should start with version: 1)`},
		},
		{
			name: "invalid YAML",
			src:  "version: 1\nusers: [\n",
			want: []string{`testdata/spec.yaml:2:8: invalid YAML: did not find expected node content`},
		},
		{
			name: "tab indentation",
			src:  "version: 1\nusers:\n\t- username: a\n",
			want: []string{`testdata/spec.yaml:3:1: invalid YAML: found character that cannot start any token (tabs are not allowed for indentation in YAML; use spaces)`},
		},
		{
			name: "tab indentation without a line from the scanner",
			src:  "\tversion: 1\n",
			want: []string{`testdata/spec.yaml:1:1: invalid YAML: found character that cannot start any token (tabs are not allowed for indentation in YAML; use spaces)`},
		},
		{
			name: "key given twice",
			src:  "version: 1\nname: a\nname: b\n",
			want: []string{
				`testdata/spec.yaml:2:1: key "name" is given again at line 3`,
				`testdata/spec.yaml:3:1: key "name" is given twice; first at line 2`,
			},
		},
		{
			name: "required keys",
			src: `version: 1
packages: [{securityType: AllUsers}]
profiles: [{cloneFrom: X}]
permissionSets: [{label: L}]
permissionSetGroups: [{label: L}]
connectedApps: [{policy: {ipRelaxation: relax}}]
externalClientApps: [{label: L}]
remoteSites: [{name: R}]
records: [{values: {Name: a}}]
users: [{firstName: F}]
manualSteps: [{if: sandbox}]
`,
			want: []string{
				`testdata/spec.yaml:2:12: package: missing required key "namespace"`,
				`testdata/spec.yaml:3:12: profile: missing required key "name"`,
				`testdata/spec.yaml:4:18: permission set: missing required key "name"`,
				`testdata/spec.yaml:5:23: permission set group: missing required key "name"`,
				`testdata/spec.yaml:6:17: connected app: missing required key "name"`,
				`testdata/spec.yaml:7:22: external client app: missing required key "name"`,
				`testdata/spec.yaml:8:15: remote site: missing required key "url"`,
				`testdata/spec.yaml:9:11: record: missing required key "key"`,
				`testdata/spec.yaml:9:11: record: missing required key "object"`,
				`testdata/spec.yaml:10:9: user: missing required key "email"`,
				`testdata/spec.yaml:10:9: user: missing required key "lastName"`,
				`testdata/spec.yaml:10:9: user: missing required key "profile"`,
				`testdata/spec.yaml:10:9: user: missing required key "username"`,
				`testdata/spec.yaml:11:15: manual step: missing required key "text"`,
			},
		},
		{
			name: "empty required value",
			src:  "version: 1\npermissionSets:\n  - name:\n  - name: \"\"\nusers:\n  - {username: a@example.com, lastName: \"\", email: , profile: P}\n",
			want: []string{
				`testdata/spec.yaml:3:5: permission set: "name" needs a value`,
				`testdata/spec.yaml:4:11: permission set: "name" must not be empty`,
				`testdata/spec.yaml:6:41: user: "lastName" must not be empty`,
				`testdata/spec.yaml:6:45: user: "email" needs a value`,
			},
		},
		{
			name: "API names",
			src: `version: 1
permissionSets:
  - name: ScreenMeet Service System Permissions
  - name: Bad__Name__Twice
  - name: _x
  - name: X_
  - name: 9lives
  - name: coconut__Config
  - name: A_very_long_name_that_goes_on_and_on_and_on_past_the_limit_of_eighty_characters_x
permissionSetGroups:
  - name: Agents-Group
remoteSites:
  - {name: Beyond Trust, url: "https://x.example.com"}
`,
			want: []string{
				`testdata/spec.yaml:3:11: invalid permission set name "ScreenMeet Service System Permissions": use only letters, digits and underscores; did you mean "ScreenMeet_Service_System_Permissions"?`,
				`testdata/spec.yaml:4:11: invalid permission set name "Bad__Name__Twice": it must not contain two consecutive underscores; did you mean "Bad_Name_Twice"?`,
				`testdata/spec.yaml:5:11: invalid permission set name "_x": it must start with a letter`,
				`testdata/spec.yaml:6:11: invalid permission set name "X_": it must not end with an underscore; did you mean "X"?`,
				`testdata/spec.yaml:7:11: invalid permission set name "9lives": it must start with a letter`,
				`testdata/spec.yaml:9:11: invalid permission set name "A_very_long_name_that_goes_on_and_on_and_on_past_the_limit_of_eighty_characters_x": it is 81 characters long; the limit is 80`,
				`testdata/spec.yaml:11:11: invalid permission set group name "Agents-Group": use only letters, digits and underscores; did you mean "Agents_Group"?`,
				`testdata/spec.yaml:13:12: invalid remote site name "Beyond Trust": use only letters, digits and underscores; did you mean "Beyond_Trust"?`,
			},
		},
		{
			name: "label and description limits",
			src:  "version: 1\npermissionSets:\n  - name: P\n    label: " + strings.Repeat("L", 81) + "\n    description: " + strings.Repeat("d", 256) + "\n",
			want: []string{
				`testdata/spec.yaml:4:12: label is 81 characters long; the limit is 80`,
				`testdata/spec.yaml:5:18: description is 256 characters long; the limit is 255`,
			},
		},
		{
			name: "user fields",
			src: `version: 1
users:
  - username: bob
    lastName: B
    email: not-an-email
    alias: waytoolongalias
    profile: P
    emailEncoding: UTF8
    password: hunter2
    active: yes
    fields: {Email: a@b.c, Department: X, department: Y}
  - username: c@example.com
    lastName: C
    email: c@example.com
    profile: P
    password: {fromEnv: 1BAD}
`,
			want: []string{
				`testdata/spec.yaml:3:15: invalid username "bob": a Salesforce username has the form of an email address (name@example.com)`,
				`testdata/spec.yaml:5:12: invalid email "not-an-email": expected an email address`,
				`testdata/spec.yaml:6:12: alias "waytoolongalias" is 15 characters long; the limit is 8`,
				`testdata/spec.yaml:8:20: invalid emailEncoding "UTF8"; did you mean "UTF-8"? (valid: UTF-8, ISO-8859-1, Shift_JIS, ISO-2022-JP, EUC-JP, ks_c_5601-1987, Big5, GB2312, Big5-HKSCS, x-SJIS_0213)`,
				`testdata/spec.yaml:9:15: invalid password setting: expected none, reset or {fromEnv: VAR} (a password never goes in the spec)`,
				`testdata/spec.yaml:10:13: active: expected true or false, got "yes"`,
				`testdata/spec.yaml:11:14: field "Email" has its own key; use "email" instead`,
				`testdata/spec.yaml:11:43: field "department" is given twice; first at line 11`,
				`testdata/spec.yaml:16:25: invalid fromEnv "1BAD": expected the name of an environment variable`,
			},
		},
		{
			name: "duplicate users in one file, case-insensitive",
			src: `version: 1
users:
  - {username: a@example.com, lastName: A, email: a@example.com, profile: P}
  - {username: A@Example.com, lastName: A, email: a@example.com, profile: P}
`,
			want: []string{
				`testdata/spec.yaml:3:5: user "a@example.com" is defined again at testdata/spec.yaml:4:5`,
				`testdata/spec.yaml:4:5: duplicate user "A@Example.com"; first defined at testdata/spec.yaml:3:5`,
			},
		},
		{
			name: "assignments",
			src: `version: 1
assignments:
  - to: {}
  - permissionSet: A
    permissionSetGroup: B
  - permissionSetLicense: L
    to: {users: []}
  - permissionSet: A
    to: {where: "Department = 'IT'"}
`,
			want: []string{
				`testdata/spec.yaml:3:5: assignment: missing "permissionSet", "permissionSetGroup" or "permissionSetLicense"`,
				`testdata/spec.yaml:3:9: assignment: "to" selects nobody; give users, profiles, permissionSets, permissionSetGroups or where`,
				`testdata/spec.yaml:4:5: assignment: missing required key "to"`,
				`testdata/spec.yaml:5:5: assignment: give only one of "permissionSet", "permissionSetGroup" and "permissionSetLicense"`,
				`testdata/spec.yaml:7:9: assignment: "to" selects nobody; give users, profiles, permissionSets, permissionSetGroups or where`,
			},
		},
		{
			name: "connected app policy",
			src: `version: 1
connectedApps:
  - name: A
    policy: {permittedUsers: admin, ipRelaxation: relaxed, refreshToken: {expireAfter: 90}}
  - name: B
    policy: {refreshToken: forever, clientCredentialsUser: bob}
`,
			want: []string{
				`testdata/spec.yaml:4:30: invalid permittedUsers "admin"; did you mean "adminApproved"? (valid: adminApproved, allSelfAuthorize)`,
				`testdata/spec.yaml:4:51: invalid ipRelaxation "relaxed"; did you mean "relax"? (valid: enforce, relax, relaxWithSecondFactor)`,
				`testdata/spec.yaml:4:88: invalid expireAfter "90": write a number and a unit, h (hours), d (days) or mo (months), e.g. 90d`,
				`testdata/spec.yaml:6:28: invalid refreshToken "forever" (valid: untilRevoked, immediately)`,
				`testdata/spec.yaml:6:60: invalid clientCredentialsUser "bob": expected a username in the form of an email address`,
			},
		},
		{
			name: "external client app",
			src: `version: 1
externalClientApps:
  - name: BT_Rest
    contactEmail: nobody
    oauth:
      callbackUrl: not a url
      scopes: [api, refresh-token]
      jwtCertificate: certs/missing.crt
  - name: BT_Rest2
    oauth: {jwtCertificate: certs}
`,
			want: []string{
				`testdata/spec.yaml:4:19: invalid contactEmail "nobody": expected an email address`,
				`testdata/spec.yaml:6:20: invalid callbackUrl "not a url": expected an absolute URL`,
				`testdata/spec.yaml:7:21: invalid OAuth scope "refresh-token"; did you mean "refresh_token"? (valid: api, refresh_token, offline_access, full, web, openid, id, profile, email, address, phone, chatter_api, wave_api, custom_permissions, visualforce, content, lightning, cdp_api, cdp_ingest_api, cdp_profile_api, cdp_query_api, cdp_segment_api, cdp_identityresolution_api, cdp_calculated_insight_api, pardot_api, eclair_api, interaction_api, pwdless_login_api, forgot_password, user_registration_api, sfap_api, einstein_gpt_api, chatbot_api, mcp_api)`,
				`testdata/spec.yaml:8:23: jwtCertificate file "certs/missing.crt" does not exist (paths are relative to the spec file)`,
				`testdata/spec.yaml:10:29: jwtCertificate file "certs" is not a regular file`,
			},
		},
		{
			name: "remote site url",
			src:  "version: 1\nremoteSites:\n  - {name: R, url: \"ftp://x.example.com\"}\n  - {name: S, url: support.example.com}\n",
			want: []string{
				`testdata/spec.yaml:3:20: invalid remote site url "ftp://x.example.com": expected an absolute http:// or https:// URL`,
				`testdata/spec.yaml:4:20: invalid remote site url "support.example.com": expected an absolute http:// or https:// URL`,
			},
		},
		{
			name: "records",
			src: `version: 1
records:
  - object: Account
    key: [Name]
  - object: Account
    key: [Name]
    values: {Name: a}
    csv: beyondtrust-event-types.csv
  - object: Account
    key: [Name, Site]
    values: {Name: a}
  - object: Ns__Event__c
    key: [Code]
    csv: beyondtrust-event-types.csv
  - object: Ns__Event__c
    key: [Name]
    csv: nope.csv
  - object: Account
    key: []
    values: {Name: b}
`,
			want: []string{
				`testdata/spec.yaml:3:5: record: missing "values" or "csv"`,
				`testdata/spec.yaml:8:5: record: give either "values" or "csv", not both`,
				`testdata/spec.yaml:11:13: record: key field "Site" is missing from values`,
				`testdata/spec.yaml:14:10: csv file "beyondtrust-event-types.csv" has no column "Code" (the record key)`,
				`testdata/spec.yaml:17:10: csv file "nope.csv" does not exist (paths are relative to the spec file)`,
				`testdata/spec.yaml:19:10: record: "key" needs at least one field`,
			},
		},
		{
			name: "duplicate records",
			src: `version: 1
records:
  - {object: Ns__M__c, key: [Name], values: {Name: "500", X__c: a}}
  - {object: Ns__M__c, key: [Name], values: {Name: "500", X__c: b}}
  - {object: Ns__M__c, key: [Name], values: {Name: "501", X__c: b}}
`,
			want: []string{
				`testdata/spec.yaml:3:5: record Ns__M__c with Name="500" is defined again at testdata/spec.yaml:4:5`,
				`testdata/spec.yaml:4:5: duplicate record Ns__M__c with Name="500"; first defined at testdata/spec.yaml:3:5`,
			},
		},
		{
			name: "package",
			src:  "version: 1\npackages:\n  - {namespace: bad-ns, versionId: 033000000000000, securityType: admins}\n  - {namespace: ok}\n  - {namespace: OK}\n",
			want: []string{
				`testdata/spec.yaml:3:17: invalid namespace "bad-ns": a namespace prefix is up to 15 letters, digits and underscores, starting with a letter`,
				`testdata/spec.yaml:3:36: invalid versionId "033000000000000": a package version Id starts with 04t and is 15 or 18 characters`,
				`testdata/spec.yaml:3:67: invalid securityType "admins"; did you mean "AdminsOnly"? (valid: AdminsOnly, AllUsers)`,
				`testdata/spec.yaml:4:5: package "ok" is defined again at testdata/spec.yaml:5:5`,
				`testdata/spec.yaml:5:5: duplicate package "OK"; first defined at testdata/spec.yaml:4:5`,
			},
		},
		{
			name: "org settings in two documents",
			src:  "version: 1\norgSettings: {setAuditFieldsOnCreation: true}\n---\norgSettings:\n  setAuditFieldsOnCreation: false\n  updateRecordsWithInactiveOwners: true\n",
			want: []string{
				`testdata/spec.yaml:2:15: org setting "setAuditFieldsOnCreation" is defined again at testdata/spec.yaml:5:3`,
				`testdata/spec.yaml:5:3: duplicate org setting "setAuditFieldsOnCreation"; first defined at testdata/spec.yaml:2:15`,
			},
		},
		{
			name: "spec name conflict between documents",
			src:  "version: 1\nname: a\n---\nname: b\n---\nname: a\n",
			want: []string{
				`testdata/spec.yaml:2:7: spec name "a" is set differently ("b") at testdata/spec.yaml:4:7`,
				`testdata/spec.yaml:4:7: spec name "b" conflicts with "a" set at testdata/spec.yaml:2:7`,
			},
		},
		{
			name: "conditions",
			src: `version: 1
manualSteps:
  - {text: a, if: sandbx}
  - {text: b, if: "package:ns >> 1.2"}
  - {text: c, if: "package:ns >= one"}
  - {text: d, if: "var:1X"}
  - {text: e, if: "not"}
  - {text: f, if: [sandbox]}
  - {text: g, if: "package:"}
`,
			want: []string{
				`testdata/spec.yaml:3:19: unknown condition "sandbx"; did you mean "sandbox"? (valid: personAccounts, sandbox, production, package:<namespace>, var:<NAME>, not <condition>)`,
				`testdata/spec.yaml:4:19: invalid condition "package:ns >> 1.2": unknown operator ">>" (valid: <, <=, >=, >)`,
				`testdata/spec.yaml:5:19: invalid condition "package:ns >= one": "one" is not a version number such as 1.27`,
				`testdata/spec.yaml:6:19: invalid condition "var:1X": "1X" is not a variable name`,
				`testdata/spec.yaml:7:19: invalid condition "not": nothing to test (valid: personAccounts, sandbox, production, package:<namespace>, var:<NAME>, not <condition>)`,
				`testdata/spec.yaml:8:19: if: expected a single value, got a list`,
				`testdata/spec.yaml:9:19: invalid condition "package:": write package:<namespace> or package:<namespace> <op> <version>`,
			},
		},
		{
			name: "three mistakes, all reported",
			src: `version: 1
permissionSets:
  - name: Coconut_API
    systemPermissions: [Modify All Date]
    objects:
      - object: Contact
        access: [raed]
users:
  - username: coconut
    lastName: Coconut
    email: admin@example.com
    profile: Coconut Integration
`,
			want: []string{
				`testdata/spec.yaml:4:25: unknown system permission "Modify All Date"; did you mean "Modify All Data"?`,
				`testdata/spec.yaml:7:18: invalid object access "raed"; did you mean "read"? (valid: read, create, edit, delete, viewAll, modifyAll, viewAllFields)`,
				`testdata/spec.yaml:9:15: invalid username "coconut": a Salesforce username has the form of an email address (name@example.com)`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diagsOf(t, tt.src, Options{})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}
