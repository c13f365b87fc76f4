package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sfprov/sfprov/internal/target"
)

// apiVersionEntry is one item of GET /services/data: the versions the org
// serves.
type apiVersionEntry struct {
	Version string `json:"version"`
}

// checkAPIVersion asks the org which REST versions it serves (GET
// /services/data, which Salesforce does not count against the API
// allowance) and refuses a --api-version it does not serve, with the range
// it does, instead of the 404 of the first real request.
func checkAPIVersion(ctx context.Context, o *target.Org, want string) error {
	var list []apiVersionEntry
	if err := o.Client.Do(ctx, "GET", "/services/data", nil, &list); err != nil {
		return orgError(o, o.Name, "list the API versions of", err)
	}
	versions := make([]string, 0, len(list))
	for _, v := range list {
		versions = append(versions, v.Version)
	}
	want = strings.TrimPrefix(want, "v")
	if len(versions) == 0 || slices.Contains(versions, want) {
		return nil
	}
	msg := fmt.Sprintf("--api-version %s: %s serves REST API versions %s to %s", want, o.Name, versions[0], versions[len(versions)-1])
	if !strings.Contains(want, ".") && slices.Contains(versions, want+".0") {
		msg += fmt.Sprintf("; did you mean %s.0?", want)
	}
	return &exitError{code: ExitUsage, kind: codeAPIVersion, msg: msg}
}
