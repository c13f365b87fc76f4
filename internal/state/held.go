package state

import (
	"context"
	"fmt"
	"strings"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// ReadHeld reads which of the given permission fields ("PermissionsModifyAllData")
// each user holds through any of its assignments, by lower username: its
// profile's own permission set, its permission sets and its groups' sets
// each have a PermissionSetAssignment (salesforce-api-facts.md §5), so one
// query sees them all, those the spec does not name included.
func ReadHeld(ctx context.Context, c *salesforce.Client, usernames, fields []string) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	if len(usernames) == 0 || len(fields) == 0 {
		return out, nil
	}
	cols := make([]string, len(fields))
	for i, f := range fields {
		cols[i] = "PermissionSet." + f
	}
	rs, err := c.Query(ctx, "SELECT Assignee.Username, "+strings.Join(cols, ", ")+" FROM PermissionSetAssignment WHERE Assignee.Username IN "+inList(usernames))
	if err != nil {
		return nil, fmt.Errorf("read the users' permissions: %w", err)
	}
	for _, r := range rs {
		u := strings.ToLower(r.String("Assignee.Username"))
		if out[u] == nil {
			out[u] = map[string]bool{}
		}
		for _, f := range fields {
			if r.Bool("PermissionSet." + f) {
				out[u][f] = true
			}
		}
	}
	return out, nil
}
