package salesforce

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/sfprov/sfprov/internal/metadata"
)

// The Metadata API's reads. Its REST resource has deployRequest only
// (meta_rest_deploy.htm), so what a deploy changes is read back through the
// SOAP calls listMetadata and readMetadata at /services/Soap/m/VERSION
// (Metadata API Developer Guide, meta_listmetadata.htm: "up to three
// ListMetadataQuery queries" per call; meta_readMetadata.htm: "up to 10
// components" of one type per call). They are the documented way to read
// what Tooling cannot: an External Client App's OAuth policies answer
// INVALID_TYPE to Tooling SOQL, and their generated fullName is found with
// listMetadata (integration-metadata-facts.md §3.2, traps 1 and 2).

// ListQueriesPerCall and ReadNamesPerCall are the per-call limits of
// listMetadata and readMetadata.
const (
	ListQueriesPerCall = 3
	ReadNamesPerCall   = 10
)

// ListQuery asks listMetadata for the components of one type (Folder for
// the foldered types only).
type ListQuery struct {
	Type, Folder string
}

// FileProperties is one component listMetadata knows.
type FileProperties struct {
	Type, FullName, FileName, ID, NamespacePrefix string
}

// ListMetadata lists the org's components of the types asked for, sorted by
// type and name. Queries beyond ListQueriesPerCall go in further calls, sent
// together.
func (c *Client) ListMetadata(ctx context.Context, queries []ListQuery) ([]FileProperties, error) {
	var calls [][]ListQuery
	for i := 0; i < len(queries); i += ListQueriesPerCall {
		calls = append(calls, queries[i:min(i+ListQueriesPerCall, len(queries))])
	}
	results := make([][]FileProperties, len(calls))
	err := concurrently(len(calls), func(i int) error {
		var body strings.Builder
		body.WriteString("<met:listMetadata>")
		for _, q := range calls[i] {
			body.WriteString("<met:queries>")
			if q.Folder != "" {
				body.WriteString("<met:folder>" + xmlText(q.Folder) + "</met:folder>")
			}
			body.WriteString("<met:type>" + xmlText(q.Type) + "</met:type></met:queries>")
		}
		body.WriteString("<met:asOfVersion>" + xmlText(c.version) + "</met:asOfVersion></met:listMetadata>")
		var out struct {
			Results []struct {
				FileName        string `xml:"fileName"`
				FullName        string `xml:"fullName"`
				ID              string `xml:"id"`
				NamespacePrefix string `xml:"namespacePrefix"`
				Type            string `xml:"type"`
			} `xml:"Body>listMetadataResponse>result"`
		}
		if err := c.soapMetadata(ctx, "listMetadata", body.String(), &out); err != nil {
			return err
		}
		for _, r := range out.Results {
			results[i] = append(results[i], FileProperties{Type: r.Type, FullName: r.FullName, FileName: r.FileName, ID: r.ID, NamespacePrefix: r.NamespacePrefix})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var all []FileProperties
	for _, r := range results {
		all = append(all, r...)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Type != all[j].Type {
			return all[i].Type < all[j].Type
		}
		return all[i].FullName < all[j].FullName
	})
	return all, nil
}

// ReadMetadata reads components of one type by fullName. Each one the org
// has comes back as a document of the type, as a file of it would be
// (<Type xmlns="…metadata"><fullName>…</fullName>…</Type>), keyed by its
// fullName; names the org does not have are absent. Names beyond
// ReadNamesPerCall go in further calls, sent together.
func (c *Client) ReadMetadata(ctx context.Context, typ string, names []string) (map[string][]byte, error) {
	var calls [][]string
	for i := 0; i < len(names); i += ReadNamesPerCall {
		calls = append(calls, names[i:min(i+ReadNamesPerCall, len(names))])
	}
	results := make([]map[string][]byte, len(calls))
	err := concurrently(len(calls), func(i int) error {
		var body strings.Builder
		body.WriteString("<met:readMetadata><met:type>" + xmlText(typ) + "</met:type>")
		for _, n := range calls[i] {
			body.WriteString("<met:fullNames>" + xmlText(n) + "</met:fullNames>")
		}
		body.WriteString("</met:readMetadata>")
		var out struct {
			Records []struct {
				Inner []byte `xml:",innerxml"`
				Nil   string `xml:"http://www.w3.org/2001/XMLSchema-instance nil,attr"`
			} `xml:"Body>readMetadataResponse>result>records"`
		}
		if err := c.soapMetadata(ctx, "readMetadata", body.String(), &out); err != nil {
			return err
		}
		results[i] = map[string][]byte{}
		for _, r := range out.Records {
			if r.Nil == "true" {
				continue
			}
			doc := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<` + typ + ` xmlns="` + metadata.Namespace + `">` + string(r.Inner) + `</` + typ + ">\n")
			var head struct {
				FullName string `xml:"fullName"`
			}
			if err := xml.Unmarshal(doc, &head); err != nil {
				return fmt.Errorf("readMetadata %s: %w", typ, err)
			}
			// A name the org does not have comes back as an empty record
			// (no fullName).
			if head.FullName != "" {
				results[i][head.FullName] = doc
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	all := map[string][]byte{}
	for _, r := range results {
		for k, v := range r {
			all[k] = v
		}
	}
	return all, nil
}

// concurrently runs n independent calls together and returns the first
// error in call order.
func concurrently(n int, call func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = call(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// sessionMarker stands for the session id in a SOAP body until the request
// is sent: the token belongs to the transport (renewed there on an expired
// session), so soapSession writes it in.
const sessionMarker = "\x00sfprov-session\x00"

// SOAPFault is a SOAP call's fault: its code ("sf:INVALID_TYPE") and text.
type SOAPFault struct {
	Op, Code, Message string
}

func (f *SOAPFault) Error() string {
	code := strings.TrimPrefix(f.Code, "sf:")
	if strings.HasPrefix(f.Message, code) {
		// Salesforce's fault strings start with their code.
		return f.Op + ": " + f.Message
	}
	return fmt.Sprintf("%s: %s: %s", f.Op, code, f.Message)
}

// soapMetadata sends one Metadata API SOAP call (op is its operation, body
// the operation's element) and decodes the envelope into out.
func (c *Client) soapMetadata(ctx context.Context, op, body string, out any) error {
	envelope := `<?xml version="1.0" encoding="UTF-8"?>` +
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:met="` + metadata.Namespace + `">` +
		`<soapenv:Header><met:SessionHeader><met:sessionId>` + sessionMarker + `</met:sessionId></met:SessionHeader></soapenv:Header>` +
		`<soapenv:Body>` + body + `</soapenv:Body></soapenv:Envelope>`
	path := "/services/Soap/m/" + c.version
	var data []byte
	err := c.send(ctx, http.MethodPost, path, []byte(envelope), func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.instanceURL+path, strings.NewReader(envelope))
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(envelope)), nil }
		req.Header.Set("Content-Type", "text/xml; charset=UTF-8")
		req.Header.Set("SOAPAction", `""`)
		resp, err := (&http.Client{Transport: c.soapTransport(ctx)}).Do(req)
		if err != nil {
			var fault *SOAPFault
			if errors.As(err, &fault) {
				fault.Op = op
				return fault
			}
			return requestError(http.MethodPost, path, err)
		}
		defer resp.Body.Close()
		if data, err = io.ReadAll(resp.Body); err != nil {
			return fmt.Errorf("%s: read the answer: %w", op, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode the answer to %s: %w", op, err)
	}
	return nil
}

// soapTransport is the client's transport for SOAP calls: the token goes
// into the envelope's SessionHeader, where the SOAP API looks for it, and
// an expired session (the fault INVALID_SESSION_ID, HTTP 500) is told to
// the token layer as the 401 it renews on.
func (c *Client) soapTransport(ctx context.Context) http.RoundTripper {
	var rt http.RoundTripper = &soapSession{base: &tracingTransport{base: c.base, c: c, ctx: ctx}}
	if c.auth != nil {
		rt = &authTransport{t: c.auth, base: rt, ctx: ctx}
	}
	return rt
}

type soapSession struct{ base http.RoundTripper }

func (s *soapSession) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	tok := strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
	r := req.Clone(req.Context())
	r.Header.Del("Authorization")
	body = bytes.Replace(body, []byte(sessionMarker), []byte(xmlText(tok)), 1)
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	resp, err := s.base.RoundTrip(r)
	var ae *APIError
	if err == nil || !errors.As(err, &ae) {
		return resp, err
	}
	var env struct {
		Code    string `xml:"Body>Fault>faultcode"`
		Message string `xml:"Body>Fault>faultstring"`
	}
	if xml.Unmarshal([]byte(ae.Body), &env) != nil || env.Code == "" {
		return nil, err
	}
	if strings.HasSuffix(env.Code, "INVALID_SESSION_ID") {
		ae.Status = http.StatusUnauthorized
		ae.Errors = []ErrorItem{{Code: "INVALID_SESSION_ID", Message: env.Message}}
		return nil, ae
	}
	return nil, &SOAPFault{Code: env.Code, Message: env.Message}
}

// xmlText escapes s for XML character data.
func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
