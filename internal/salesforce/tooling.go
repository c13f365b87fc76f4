package salesforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrNoRow means a query that should find one row found none.
var ErrNoRow = errors.New("no such row")

// ToolingRow is one Tooling record with its Metadata compound.
type ToolingRow struct {
	ID       string
	FullName string
	// Metadata is the compound as the org sent it; nil when it was null
	// (some profiles answer "Metadata": null).
	Metadata json.RawMessage
}

// ToolingMetadataRow runs SELECT Id, FullName, Metadata FROM <sobject>
// WHERE <where> against the Tooling API, for exactly one row.
//
// Salesforce reads Metadata (and FullName) one row at a time: "Query this
// field only if the query result contains no more than one record"
// (Tooling API, tooling_api_objects_profile.htm); a query matching several
// rows fails with MALFORMED_QUERY (salesforce-api-facts.md §2;
// integration-metadata-facts.md §3.3). where must therefore pick one row,
// e.g. "Id = '00e…'" or "Name = 'Integration User'". No row is ErrNoRow.
func (c *Client) ToolingMetadataRow(ctx context.Context, sobject, where string) (*ToolingRow, error) {
	if !isIdentifier(sobject) {
		return nil, fmt.Errorf("tooling metadata: %q is not an sObject name", sobject)
	}
	if strings.TrimSpace(where) == "" {
		return nil, fmt.Errorf("tooling metadata %s: a WHERE clause that picks one row is required", sobject)
	}
	soql := "SELECT Id, FullName, Metadata FROM " + sobject + " WHERE " + where
	var page struct {
		TotalSize int `json:"totalSize"`
		Records   []struct {
			ID       string          `json:"Id"`
			FullName string          `json:"FullName"`
			Metadata json.RawMessage `json:"Metadata"`
		} `json:"records"`
	}
	if err := c.Do(ctx, "GET", c.DataPath("tooling/query")+"?q="+url.QueryEscape(soql), nil, &page); err != nil {
		var ae *APIError
		if errors.As(err, &ae) && ae.HasCode("MALFORMED_QUERY") {
			return nil, fmt.Errorf("read %s.Metadata where %s: the org reads Metadata one row at a time, and this matches several: %w", sobject, where, err)
		}
		return nil, fmt.Errorf("read %s.Metadata where %s: %w", sobject, where, err)
	}
	switch len(page.Records) {
	case 0:
		return nil, fmt.Errorf("read %s.Metadata where %s: %w", sobject, where, ErrNoRow)
	case 1:
	default:
		return nil, fmt.Errorf("read %s.Metadata where %s: %d rows, want one", sobject, where, len(page.Records))
	}
	r := page.Records[0]
	md := r.Metadata
	if strings.TrimSpace(string(md)) == "null" {
		md = nil
	}
	return &ToolingRow{ID: r.ID, FullName: r.FullName, Metadata: md}, nil
}

// ToolingMetadata is ToolingMetadataRow's Metadata compound alone.
func (c *Client) ToolingMetadata(ctx context.Context, sobject, where string) (json.RawMessage, error) {
	row, err := c.ToolingMetadataRow(ctx, sobject, where)
	if err != nil {
		return nil, err
	}
	return row.Metadata, nil
}

// RecordTypeVisibility is one record type's visibility as a Metadata
// compound gives it: Profile's ProfileRecordTypeVisibility (default,
// personAccountDefault, recordType, visible) or PermissionSet's (recordType,
// visible; no defaults).
type RecordTypeVisibility struct {
	RecordType string // Object.DeveloperName
	Default    bool
	// PersonAccountDefault is nil when the org sent none (no person accounts).
	PersonAccountDefault *bool
	Visible              bool
}

// UserPermission is one userPermissions entry (name as the Metadata API
// spells it, e.g. CanApproveUninstalledApps).
type UserPermission struct {
	Name    string
	Enabled bool
}

// ProfileMetadata is the part of a Tooling Profile's Metadata sfprov reads.
type ProfileMetadata struct {
	RecordTypeVisibilities []RecordTypeVisibility
}

// PermissionSetMetadata is the part of a permission set's Metadata sfprov
// reads. UNCONFIRMED that the Tooling PermissionSet object exposes
// FullName and Metadata: its reference page (v67) lists neither, unlike
// Profile's. The decoder takes any compound of the PermissionSet type.
type PermissionSetMetadata struct {
	Label                  string
	RecordTypeVisibilities []RecordTypeVisibility
	UserPermissions        []UserPermission
}

type rtvJSON struct {
	RecordType           string    `json:"recordType"`
	Default              flexBool  `json:"default"`
	PersonAccountDefault *flexBool `json:"personAccountDefault"`
	Visible              flexBool  `json:"visible"`
}

func (v rtvJSON) visibility() RecordTypeVisibility {
	out := RecordTypeVisibility{RecordType: v.RecordType, Default: bool(v.Default), Visible: bool(v.Visible)}
	if v.PersonAccountDefault != nil {
		b := bool(*v.PersonAccountDefault)
		out.PersonAccountDefault = &b
	}
	return out
}

// DecodeProfileMetadata decodes a Tooling Profile's Metadata
// (Metadata.recordTypeVisibilities[]). nil decodes to an empty result.
func DecodeProfileMetadata(raw json.RawMessage) (*ProfileMetadata, error) {
	var md struct {
		RecordTypeVisibilities []rtvJSON `json:"recordTypeVisibilities"`
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &md); err != nil {
			return nil, fmt.Errorf("decode profile metadata: %w", err)
		}
	}
	out := &ProfileMetadata{}
	for _, v := range md.RecordTypeVisibilities {
		out.RecordTypeVisibilities = append(out.RecordTypeVisibilities, v.visibility())
	}
	return out, nil
}

// DecodePermissionSetMetadata decodes a permission set's Metadata
// (label, recordTypeVisibilities[], userPermissions[]).
func DecodePermissionSetMetadata(raw json.RawMessage) (*PermissionSetMetadata, error) {
	var md struct {
		Label                  string    `json:"label"`
		RecordTypeVisibilities []rtvJSON `json:"recordTypeVisibilities"`
		UserPermissions        []struct {
			Name    string   `json:"name"`
			Enabled flexBool `json:"enabled"`
		} `json:"userPermissions"`
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &md); err != nil {
			return nil, fmt.Errorf("decode permission set metadata: %w", err)
		}
	}
	out := &PermissionSetMetadata{Label: md.Label}
	for _, v := range md.RecordTypeVisibilities {
		out.RecordTypeVisibilities = append(out.RecordTypeVisibilities, v.visibility())
	}
	for _, p := range md.UserPermissions {
		out.UserPermissions = append(out.UserPermissions, UserPermission{Name: p.Name, Enabled: bool(p.Enabled)})
	}
	return out, nil
}

// ProfileMetadata reads one profile's FullName (its Metadata API name, for
// the deploy file) and record-type visibilities through the Tooling
// Profile (GET/HEAD and query only since v43: write them back with a
// Profile deploy, never a Tooling PATCH; facts §3.3).
func (c *Client) ProfileMetadata(ctx context.Context, profileID string) (string, *ProfileMetadata, error) {
	if !isID(profileID) {
		return "", nil, fmt.Errorf("profile metadata: %q is not a profile id", profileID)
	}
	row, err := c.ToolingMetadataRow(ctx, "Profile", "Id = '"+profileID+"'")
	if err != nil {
		return "", nil, err
	}
	md, err := DecodeProfileMetadata(row.Metadata)
	if err != nil {
		return "", nil, err
	}
	return row.FullName, md, nil
}

// isIdentifier reports whether s can be an sObject name in SOQL.
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && !(i > 0 && (r >= '0' && r <= '9' || r == '_')) {
			return false
		}
	}
	return true
}
