package salesforce

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Package install through the Tooling API's PackageInstallRequest (API
// 41.0+; REST GET, POST, Query; tooling_api_objects_packageinstallrequest.htm
// v67; salesforce-api-facts.md §9, integration-metadata-facts.md §3.3).

// PackageInstallRequest status values, as the API returns them (forcedotcom
// packaging typings: "ERROR" | "IN_PROGRESS" | "SUCCESS" | "UNKNOWN"; the
// reference page shows the labels Error, InProgress, Success, Unknown).
// Comparisons ignore case and underscores.
const (
	InstallInProgress = "IN_PROGRESS"
	InstallSuccess    = "SUCCESS"
	InstallError      = "ERROR"
	InstallUnknown    = "UNKNOWN"
)

// PackageInstallOptions describe one install or upgrade.
type PackageInstallOptions struct {
	// VersionID is the package version's 04t… id
	// (SubscriberPackageVersionKey).
	VersionID string
	// InstallationKey is the package's installation key (the request's
	// Password field), for protected packages. It is a secret: it goes only
	// into the request body, never into an error, a trace or String().
	InstallationKey string
	// SecurityType is who gets access: "None" (administrators only; the
	// default here, least privilege), "Full" (all users) or "Custom".
	SecurityType string
	// NameConflictResolution is "Block" (the default) or "RenameMetadata".
	NameConflictResolution string
	// EnableRSS lets the package's remote site settings and CSP trusted
	// sites be active (EnableRss, API 43.0+; default false).
	EnableRSS bool
	// ApexCompileType is "all" or "package" (unlocked packages; "" = not sent).
	ApexCompileType string
	// UpgradeType is "mixed-mode", "deprecate-only" or "delete-only"
	// (unlocked package upgrades; "" = not sent, the org's default is
	// mixed-mode). CumulusCI sends "mixed"; which spellings the server takes
	// beyond the documented ones is UNCONFIRMED.
	UpgradeType string
	Wait        WaitOptions
	// Progress, when set, is told each status the request reaches.
	Progress func(PackageInstallProgress)
}

// String shows the options without the installation key.
func (o PackageInstallOptions) String() string {
	key := "none"
	if o.InstallationKey != "" {
		key = "(set)"
	}
	return fmt.Sprintf("install %s (security %s, conflicts %s, installation key %s)", o.VersionID, or(o.SecurityType, "None"), or(o.NameConflictResolution, "Block"), key)
}

// GoString keeps the key out of %#v too.
func (o PackageInstallOptions) GoString() string { return o.String() }

// PackageInstallProgress is one observed state of an install request.
type PackageInstallProgress struct {
	RequestID string // 0Hf…
	Status    string
}

// PackageInstallResult is a finished install request.
type PackageInstallResult struct {
	RequestID string
	Status    string
	Errors    []string // Errors.errors[].message
}

// PackageInstallError is an install request that ended in ERROR.
type PackageInstallError struct {
	RequestID string
	VersionID string
	Messages  []string
}

func (e *PackageInstallError) Error() string {
	msg := "no message"
	if len(e.Messages) > 0 {
		msg = strings.Join(e.Messages, "; ")
	}
	return fmt.Sprintf("package install %s of %s failed: %s", e.RequestID, e.VersionID, msg)
}

// transientInstallErrors are messages CumulusCI retries an install on: the
// package is not yet available after upload, or the org is busy
// (cumulusci/salesforce_api/package_install.py RETRY_PACKAGE_ERRORS;
// salesforce-api-facts.md §9).
var transientInstallErrors = []string{
	"This package is not yet available",
	"InstalledPackage version number",
	"The requested package doesn't yet exist or has been deleted",
	"unable to obtain exclusive access to this record",
	"invalid cross reference id",
}

// Transient reports whether the failure is one that a new install request,
// some seconds later, may not meet (CumulusCI backs off from 5 s, +30 s per
// try, 20 tries).
func (e *PackageInstallError) Transient() bool {
	for _, m := range e.Messages {
		for _, t := range transientInstallErrors {
			if strings.Contains(m, t) {
				return true
			}
		}
	}
	return false
}

// InstallPackage creates a PackageInstallRequest and waits for it to end:
// SUCCESS returns the result; ERROR returns the result and a
// *PackageInstallError; IN_PROGRESS and UNKNOWN keep it polling (UNKNOWN as
// not yet final is UNCONFIRMED).
func (c *Client) InstallPackage(ctx context.Context, o PackageInstallOptions) (*PackageInstallResult, error) {
	id, err := c.StartPackageInstall(ctx, o)
	if err != nil {
		return nil, err
	}
	return c.WaitPackageInstall(ctx, id, o)
}

// StartPackageInstall sends POST /tooling/sobjects/PackageInstallRequest
// and returns the request's id (0Hf…).
func (c *Client) StartPackageInstall(ctx context.Context, o PackageInstallOptions) (string, error) {
	if !isID(o.VersionID) || !strings.HasPrefix(o.VersionID, "04t") {
		return "", fmt.Errorf("install package: %q is not a package version id (04t…)", o.VersionID)
	}
	security := or(o.SecurityType, "None")
	if security != "None" && security != "Full" && security != "Custom" {
		return "", fmt.Errorf("install package %s: security type %q is not None, Full or Custom", o.VersionID, security)
	}
	conflicts := or(o.NameConflictResolution, "Block")
	if conflicts != "Block" && conflicts != "RenameMetadata" {
		return "", fmt.Errorf("install package %s: name conflict resolution %q is not Block or RenameMetadata", o.VersionID, conflicts)
	}
	body := map[string]any{
		"SubscriberPackageVersionKey": o.VersionID,
		"SecurityType":                security,
		"NameConflictResolution":      conflicts,
		"EnableRss":                   o.EnableRSS,
	}
	if o.InstallationKey != "" {
		body["Password"] = o.InstallationKey
	}
	if o.ApexCompileType != "" {
		body["ApexCompileType"] = o.ApexCompileType
	}
	if o.UpgradeType != "" {
		body["UpgradeType"] = o.UpgradeType
	}
	var res SaveResult
	if err := c.Do(ctx, "POST", c.DataPath("tooling/sobjects/PackageInstallRequest"), body, &res); err != nil {
		return "", fmt.Errorf("install package %s: %w", o.VersionID, redact(err, o.InstallationKey))
	}
	if !isID(res.ID) {
		return "", fmt.Errorf("install package %s: the answer has no request id", o.VersionID)
	}
	return res.ID, nil
}

// WaitPackageInstall polls the request's Status with SELECT Id, Status,
// Errors FROM PackageInstallRequest WHERE Id = '…' (as CumulusCI does; the
// record's other fields, the installation key among them, are not read
// back).
func (c *Client) WaitPackageInstall(ctx context.Context, requestID string, o PackageInstallOptions) (*PackageInstallResult, error) {
	if !isID(requestID) {
		return nil, fmt.Errorf("wait for package install: %q is not a request id", requestID)
	}
	soql := "SELECT Id, Status, Errors FROM PackageInstallRequest WHERE Id = '" + requestID + "'"
	path := c.DataPath("tooling/query") + "?q=" + url.QueryEscape(soql)
	res := &PackageInstallResult{RequestID: requestID}
	seen := ""
	err := poll(ctx, o.Wait, func(ctx context.Context) (bool, error) {
		var page struct {
			Records []struct {
				Status string `json:"Status"`
				Errors *struct {
					Errors []struct {
						Message string `json:"message"`
					} `json:"errors"`
				} `json:"Errors"`
			} `json:"records"`
		}
		if err := c.Do(ctx, "GET", path, nil, &page); err != nil {
			return false, redact(err, o.InstallationKey)
		}
		if len(page.Records) == 0 {
			return false, fmt.Errorf("package install request %s: %w", requestID, ErrNoRow)
		}
		r := page.Records[0]
		res.Status = r.Status
		res.Errors = nil
		if r.Errors != nil {
			for _, e := range r.Errors.Errors {
				res.Errors = append(res.Errors, scrub(e.Message, o.InstallationKey))
			}
		}
		if o.Progress != nil && r.Status != seen {
			o.Progress(PackageInstallProgress{RequestID: requestID, Status: r.Status})
		}
		seen = r.Status
		switch normStatus(r.Status) {
		case normStatus(InstallSuccess), normStatus(InstallError):
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return res, fmt.Errorf("package install %s of %s (last status: %s): %w", requestID, o.VersionID, or(res.Status, "not yet seen"), err)
	}
	if normStatus(res.Status) == normStatus(InstallError) {
		return res, &PackageInstallError{RequestID: requestID, VersionID: o.VersionID, Messages: res.Errors}
	}
	return res, nil
}

func normStatus(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "_", "")) }

// scrub replaces every occurrence of secret in s.
func scrub(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "[redacted]")
}

// redact returns err with secret removed from everything it says. An
// *APIError stays an *APIError (a copy, scrubbed); another error that
// mentions the secret becomes a plain error with the same, scrubbed, text.
func redact(err error, secret string) error {
	if err == nil || secret == "" {
		return err
	}
	var ae *APIError
	if errors.As(err, &ae) {
		cp := *ae
		cp.Body = scrub(ae.Body, secret)
		cp.Errors = make([]ErrorItem, len(ae.Errors))
		for i, it := range ae.Errors {
			it.Message = scrub(it.Message, secret)
			cp.Errors[i] = it
		}
		return &cp
	}
	if strings.Contains(err.Error(), secret) {
		return errors.New(scrub(err.Error(), secret))
	}
	return err
}

// InstalledPackage is one managed or unlocked package installed in the org.
type InstalledPackage struct {
	PackageID   string // 033…
	Namespace   string // "" for a package without one
	Name        string
	VersionID   string // 04t…
	VersionName string
	Major       int
	Minor       int
	Patch       int
	Build       int
}

// Version is major.minor.patch.build.
func (p InstalledPackage) Version() string {
	return fmt.Sprintf("%d.%d.%d.%d", p.Major, p.Minor, p.Patch, p.Build)
}

// InstalledPackages lists the installed packages through the Tooling
// InstalledSubscriberPackage, with their versions through its
// SubscriberPackageVersion relationship (the fields CumulusCI reads, in one
// query; fixtures tooling-query-InstalledSubscriberPackage.json and
// tooling-query-SubscriberPackageVersion.json).
func (c *Client) InstalledPackages(ctx context.Context) ([]InstalledPackage, error) {
	rs, err := c.ToolingQuery(ctx, "SELECT SubscriberPackageId, SubscriberPackage.NamespacePrefix, SubscriberPackage.Name, SubscriberPackageVersionId, SubscriberPackageVersion.Name, SubscriberPackageVersion.MajorVersion, SubscriberPackageVersion.MinorVersion, SubscriberPackageVersion.PatchVersion, SubscriberPackageVersion.BuildNumber FROM InstalledSubscriberPackage")
	if err != nil {
		return nil, fmt.Errorf("list installed packages: %w", err)
	}
	out := make([]InstalledPackage, 0, len(rs))
	for _, r := range rs {
		out = append(out, InstalledPackage{
			PackageID:   r.String("SubscriberPackageId"),
			Namespace:   r.String("SubscriberPackage.NamespacePrefix"),
			Name:        r.String("SubscriberPackage.Name"),
			VersionID:   r.String("SubscriberPackageVersionId"),
			VersionName: r.String("SubscriberPackageVersion.Name"),
			Major:       recordInt(r.Get("SubscriberPackageVersion.MajorVersion")),
			Minor:       recordInt(r.Get("SubscriberPackageVersion.MinorVersion")),
			Patch:       recordInt(r.Get("SubscriberPackageVersion.PatchVersion")),
			Build:       recordInt(r.Get("SubscriberPackageVersion.BuildNumber")),
		})
	}
	return out, nil
}

// recordInt reads a JSON number (float64 once decoded) as an int.
func recordInt(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	}
	return 0
}
