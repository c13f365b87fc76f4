package emulator

import (
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/sfid"
)

// The Metadata API's read calls, listMetadata and readMetadata, for the
// External Client App types: their REST resource has no reads
// (meta_rest_deploy.htm serves deployRequest only), and Tooling SOQL on an
// app's policies answers INVALID_TYPE (integration-metadata-facts.md §3.2
// trap 2: "Read it with the Metadata readMetadata() call instead").
//
// listMetadata (meta_listmetadata.htm): "queries: ListMetadataQuery[] ...
// you can submit up to three ListMetadataQuery queries per call", and an
// asOfVersion; the answer is one FileProperties per component (createdById,
// createdByName, createdDate, fileName, fullName, id, lastModifiedById,
// lastModifiedByName, lastModifiedDate, manageableState, namespacePrefix,
// type). More than three queries: the fault's wording is UNCONFIRMED.
//
// readMetadata (meta_readMetadata.htm): "type" and "fullNames: string[] ...
// Limit: 10"; the answer's records are the components with their
// xsi:type, and a name the org lacks comes back as a record without
// fields (UNCONFIRMED: recorded answers show an empty <records
// xsi:type="..."/>). Elements are written in the order of the type's
// reference, alphabetical for these flat types, fullName first as in
// retrieved records. The global OAuth settings carry the consumer secret:
// the org setting "Allow Access to OAuth Consumer Secrets via Metadata API"
// is not modelled, so it is always given (a client must never show it).

// soapReadable are the types the emulator's reads serve: the ECA parts, by
// how an app holds each.
var soapReadable = map[string]func(a *ecaState) *ecaPart{
	"ExtlClntAppOauthSettings":             func(a *ecaState) *ecaPart { return a.OAuth },
	"ExtlClntAppGlobalOauthSettings":       func(a *ecaState) *ecaPart { return a.GlobalOAuth },
	"ExtlClntAppOauthConfigurablePolicies": func(a *ecaState) *ecaPart { return a.OAuthPolicy },
	"ExtlClntAppConfigurablePolicies":      func(a *ecaState) *ecaPart { return a.Policy },
}

// unreadable faults a type the emulator's reads do not serve: its own
// message (a real org serves every type).
func unreadable(c *reqCtx, typ string) {
	mdFault(c.w, "soapenv:Client", "The emulator reads External Client App types only (ExternalClientApplication, "+strings.Join(sortedReadable(), ", ")+"), not "+typ+".")
}

func sortedReadable() []string {
	var out []string
	for t := range soapReadable {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func (o *Org) soapListMetadata(c *reqCtx, call *xnode) {
	queries := call.all("queries")
	if len(queries) > 3 {
		mdFault(c.w, "sf:INVALID_QUERY", "INVALID_QUERY: Too many queries: at most 3 ListMetadataQuery per call") // UNCONFIRMED wording
		return
	}
	var results []any
	for _, q := range queries {
		typ := q.value("type")
		if typ != "ExternalClientApplication" && soapReadable[typ] == nil {
			unreadable(c, typ)
			return
		}
		t := mdTypes[typ]
		for _, name := range sortedECANames(o) {
			app := o.md().ECAs[name]
			fullName, id := name, app.ID
			if typ != "ExternalClientApplication" {
				part := soapReadable[typ](app)
				if part == nil {
					continue
				}
				fullName, id = part.FullName, o.partID(c, part)
			}
			_, rec, _ := o.st.Get(app.ID)
			results = append(results, schema.OrderedMap{
				{Key: "createdById", Value: str(rec, "CreatedById")}, {Key: "createdByName", Value: o.userName(str(rec, "CreatedById"))},
				{Key: "createdDate", Value: str(rec, "CreatedDate")}, {Key: "fileName", Value: t.folder + "/" + fullName + "." + t.suffix},
				{Key: "fullName", Value: fullName}, {Key: "id", Value: id},
				{Key: "lastModifiedById", Value: str(rec, "LastModifiedById")}, {Key: "lastModifiedByName", Value: o.userName(str(rec, "LastModifiedById"))},
				{Key: "lastModifiedDate", Value: str(rec, "LastModifiedDate")}, {Key: "manageableState", Value: "unmanaged"},
				{Key: "type", Value: typ},
			})
		}
	}
	writeMetadataResponse(c.w, "listMetadataResponse", listOrNil(results))
}

// listOrNil lets writeSOAPElement repeat <result> per component, and write
// none for an empty answer.
func listOrNil(l []any) any {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (o *Org) soapReadMetadata(c *reqCtx, call *xnode) {
	typ := call.value("type")
	if typ != "ExternalClientApplication" && soapReadable[typ] == nil {
		unreadable(c, typ)
		return
	}
	names := call.all("fullNames")
	if len(names) > 10 {
		mdFault(c.w, "sf:LIMIT_EXCEEDED", "LIMIT_EXCEEDED: Too many full names: at most 10 per readMetadata call") // UNCONFIRMED wording
		return
	}
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="` + mdNamespace + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><readMetadataResponse><result>`)
	for _, n := range names {
		fields, fullName := o.readECAComponent(typ, strings.TrimSpace(n.text))
		sb.WriteString(`<records xsi:type="` + typ + `">`)
		if fields != nil {
			sb.WriteString("<fullName>" + xmlEscape(fullName) + "</fullName>")
			keys := make([]string, 0, len(fields))
			for k := range fields {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool { return strings.ToLower(keys[i]) < strings.ToLower(keys[j]) })
			for _, k := range keys {
				sb.WriteString("<" + k + ">" + xmlEscape(fields[k]) + "</" + k + ">")
			}
		}
		sb.WriteString("</records>")
	}
	sb.WriteString("</result></readMetadataResponse></soapenv:Body></soapenv:Envelope>")
	c.w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	_, _ = c.w.Write([]byte(sb.String()))
}

// readECAComponent returns a component's elements by name, nil when the org
// has none of that name. Names match as Salesforce's do, without case.
func (o *Org) readECAComponent(typ, name string) (map[string]string, string) {
	for _, appName := range sortedECANames(o) {
		app := o.md().ECAs[appName]
		if typ == "ExternalClientApplication" {
			if strings.EqualFold(appName, name) {
				return copyFields(app.Fields), appName
			}
			continue
		}
		part := soapReadable[typ](app)
		if part == nil || !strings.EqualFold(part.FullName, name) {
			continue
		}
		f := copyFields(part.Fields)
		f["externalClientApplication"] = appName
		if typ == "ExtlClntAppGlobalOauthSettings" {
			// The consumer's key and secret, as the org made or kept them
			// (trap 5); the deployed file's own are not what it holds.
			f["consumerKey"], f["consumerSecret"] = app.ConsumerKey, app.ConsumerSecret
		}
		if typ == "ExtlClntAppOauthSettings" && app.ConsumerID != "" {
			// "An auto-generated value combining the org ID and the OAuth
			// consumer ID" (meta_extlclntappoauthsettings.htm oauthLink;
			// the separator is UNCONFIRMED).
			f["oauthLink"] = o.meta.OrgID + ":" + app.ConsumerID
		}
		return f, part.FullName
	}
	return nil, ""
}

func copyFields(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

func sortedECANames(o *Org) []string {
	var out []string
	for n := range o.md().ECAs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// partID is the id listMetadata gives a part: made once and kept. The key
// prefix is the emulator's own (UNCONFIRMED).
func (o *Org) partID(c *reqCtx, p *ecaPart) string {
	if p.ID == "" {
		o.meta.Counter++
		p.ID = sfid.New("0Hz", o.meta.Counter)
		c.mutated = true
	}
	return p.ID
}

// userName is a user's Name for createdByName, "" when unknown.
func (o *Org) userName(id string) string {
	if id == "" {
		return ""
	}
	_, rec, _ := o.st.Get(id)
	return str(rec, "Name")
}
