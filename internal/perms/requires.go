package perms

// requires lists, for a system permission, the permissions Salesforce insists
// on before it can be enabled. Setup switches these on by itself ("selecting
// this permission will automatically select a number of other pre-requisite
// permissions", shared/seeds/coconut-integration-user.txt); the API refuses
// instead, with "Permission X depends on permission(s): Y"
// (salesforce-api-facts.md §3). The planner adds them; the emulator enforces them.
//
// Only sourced pairs are listed; an unlisted dependency shows up as the org's
// own "depends on" error, verbatim, when apply runs.
//   - ModifyAllData → ViewAllData: issue 3 ("Modify All Data needs View All
//     Data"); forcedotcom/cli#2205 shows the pair in a retrieved profile.
var requires = map[string][]string{
	"ModifyAllData": {"ViewAllData"},
}

// Requires returns the permissions (API names) that name directly depends on.
func Requires(name string) []string {
	return append([]string(nil), requires[name]...)
}

// Closure returns every permission name depends on, directly or not, in a
// stable order (depth first, as listed).
func Closure(name string) []string {
	var out []string
	seen := map[string]bool{name: true}
	var visit func(string)
	visit = func(n string) {
		for _, r := range requires[n] {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
				visit(r)
			}
		}
	}
	visit(name)
	return out
}
