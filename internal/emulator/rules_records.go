package emulator

import (
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// ---- Person accounts ---------------------------------------------------------------

// accountBeforeInsert: with Person Accounts, an account whose record type is a
// person type is a person account (IsPersonAccount, Name from FirstName and
// LastName); other accounts need a Name, which the person-account describe
// marks nillable (facts §13; describe-Account-personaccounts-v59.json).
func accountBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	if _, ok := o.cat.Object("Account"); !ok {
		return nil
	}
	acct, _ := o.cat.Object("Account")
	if _, ok := acct.Field("IsPersonAccount"); !ok {
		return nil
	}
	person := false
	if rt, ok := rec["RecordTypeId"].(string); ok {
		_, r, _ := o.st.Get(rt)
		person = r["IsPersonType"] == true
	}
	rec["IsPersonAccount"] = person
	if person {
		if str(rec, "LastName") == "" {
			return errRequired([]string{"LastName"})
		}
		rec["Name"] = strings.TrimSpace(str(rec, "FirstName") + " " + str(rec, "LastName"))
		return nil
	}
	if str(rec, "Name") == "" {
		return errRequired([]string{"Name"})
	}
	return nil
}

// ---- Remote site settings (Tooling RemoteProxy) ----------------------------------

// rpBeforeInsert maps the Tooling create body {FullName, Metadata{url,
// isActive, disableProtocolSecurity, description}} onto the query fields
// (facts §8).
func rpBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	name := str(rec, "FullName")
	if name == "" {
		return errRequired([]string{"FullName"})
	}
	if !validAPIName(name) {
		return dmlErr("FIELD_INTEGRITY_EXCEPTION", msgAPIName, "FullName")
	}
	if id, dup := o.duplicateName("RemoteProxy", "SiteName", name, "", nil); dup {
		return errDuplicate("FullName", id, "FullName")
	}
	return applyRemoteProxyMetadata(rec, rec["Metadata"])
}

func rpBeforeUpdate(o *Org, d dml, rec soql.Record, ch map[string]any) *DMLError {
	if md, ok := ch["Metadata"]; ok {
		// The Metadata compound is replaced whole (facts §8).
		m := mergedRecord(rec, ch)
		if err := applyRemoteProxyMetadata(m, md); err != nil {
			return err
		}
		for _, k := range []string{"EndpointUrl", "IsActive", "DisableProtocolSecurity", "Description", "Metadata"} {
			ch[k] = m[k]
		}
	}
	if _, ok := ch["FullName"]; ok {
		return dmlErr("INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: FullName.", "FullName")
	}
	return nil
}

func applyRemoteProxyMetadata(rec soql.Record, md any) *DMLError {
	m, ok := md.(map[string]any)
	if !ok {
		return errRequired([]string{"Metadata"})
	}
	url, _ := m["url"].(string)
	if url == "" {
		return errRequired([]string{"url"})
	}
	rec["SiteName"] = rec["FullName"]
	rec["EndpointUrl"] = url
	rec["IsActive"] = m["isActive"] == true
	rec["DisableProtocolSecurity"] = m["disableProtocolSecurity"] == true
	rec["Description"] = m["description"]
	rec["ProtocolMismatch"] = false
	rec["ManageableState"] = "unmanaged"
	// The stored Metadata compound carries all five keys, nulls included:
	// facts §8 shows {"url","isActive","disableProtocolSecurity",
	// "description","urls":null}, and sf's real-org test (plugin-data
	// query.nut.ts "should print JSON output correctly") expects each key.
	rec["Metadata"] = map[string]any{"url": url, "isActive": rec["IsActive"], "disableProtocolSecurity": rec["DisableProtocolSecurity"],
		"description": m["description"], "urls": m["urls"]}
	return nil
}
