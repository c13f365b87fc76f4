package salesforce_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// soapStub answers Metadata SOAP calls: the session must be in the
// envelope's SessionHeader (never in an Authorization header), and each
// call's body is kept.
func soapStub(t *testing.T, answer func(body string) (int, string)) (*httptest.Server, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body := string(b)
		mu.Lock()
		bodies = append(bodies, body)
		mu.Unlock()
		if r.URL.Path != "/services/Soap/m/62.0" || r.Header.Get("SOAPAction") != `""` || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/xml") {
			t.Errorf("%s %s SOAPAction %q Content-Type %q", r.Method, r.URL.Path, r.Header.Get("SOAPAction"), r.Header.Get("Content-Type"))
		}
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the token went in an Authorization header too")
		}
		if !strings.Contains(body, "<met:sessionId>"+testToken+"</met:sessionId>") {
			w.WriteHeader(500)
			io.WriteString(w, fault("sf:INVALID_SESSION_ID", "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session"))
			return
		}
		status, out := answer(body)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		io.WriteString(w, out)
	}))
	t.Cleanup(srv.Close)
	return srv, &bodies
}

func fault(code, msg string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault><faultcode>` +
		code + `</faultcode><faultstring>` + msg + `</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
}

func envelope(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>` +
		body + `</soapenv:Body></soapenv:Envelope>`
}

func TestListMetadata(t *testing.T) {
	srv, bodies := soapStub(t, func(body string) (int, string) {
		if strings.Contains(body, "<met:type>ExtlClntAppPolicies</met:type>") {
			return 200, envelope(`<listMetadataResponse/>`)
		}
		return 200, envelope(`<listMetadataResponse><result><fileName>extlClntAppOauthPolicies/BT_oauthPlcy.ecaOauthPlcy</fileName><fullName>BT_oauthPlcy</fullName><id>0xP000000000001AAA</id><type>ExtlClntAppOauthConfigurablePolicies</type></result>` +
			`<result><fileName>extlClntAppOauthPolicies/Acme_oauthPlcy.ecaOauthPlcy</fileName><fullName>Acme_oauthPlcy</fullName><id>0xP000000000002AAA</id><namespacePrefix></namespacePrefix><type>ExtlClntAppOauthConfigurablePolicies</type></result></listMetadataResponse>`)
	})
	c := newClient(srv.URL, testToken, nil)
	got, err := c.ListMetadata(context.Background(), []salesforce.ListQuery{
		{Type: "ExtlClntAppOauthConfigurablePolicies"}, {Type: "A"}, {Type: "B"}, {Type: "ExtlClntAppPolicies"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []salesforce.FileProperties{
		{Type: "ExtlClntAppOauthConfigurablePolicies", FullName: "Acme_oauthPlcy", FileName: "extlClntAppOauthPolicies/Acme_oauthPlcy.ecaOauthPlcy", ID: "0xP000000000002AAA"},
		{Type: "ExtlClntAppOauthConfigurablePolicies", FullName: "BT_oauthPlcy", FileName: "extlClntAppOauthPolicies/BT_oauthPlcy.ecaOauthPlcy", ID: "0xP000000000001AAA"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ListMetadata (-want +got):\n%s", d)
	}
	// Four queries: two calls, three then one (the per-call limit).
	if len(*bodies) != 2 || c.Calls() != 2 {
		t.Fatalf("%d calls, want 2", c.Calls())
	}
	for _, b := range *bodies {
		if n := strings.Count(b, "<met:queries>"); n != 3 && n != 1 {
			t.Errorf("a call with %d queries:\n%s", n, b)
		}
		if !strings.Contains(b, "<met:asOfVersion>62.0</met:asOfVersion>") {
			t.Errorf("no asOfVersion:\n%s", b)
		}
	}
}

func TestReadMetadata(t *testing.T) {
	srv, bodies := soapStub(t, func(body string) (int, string) {
		return 200, envelope(`<readMetadataResponse><result>` +
			`<records xsi:type="ExtlClntAppGlobalOauthSettings"><fullName>BT</fullName><callbackUrl>https://a.example/cb</callbackUrl><consumerKey>3MVG9key</consumerKey><consumerSecret>S3CR3T</consumerSecret><externalClientApplication>BT</externalClientApplication><label>BT</label></records>` +
			`<records xsi:nil="true"/><records xsi:type="ExtlClntAppGlobalOauthSettings"/>` +
			`</result></readMetadataResponse>`)
	})
	c := newClient(srv.URL, testToken, nil)
	got, err := c.ReadMetadata(context.Background(), "ExtlClntAppGlobalOauthSettings", []string{"BT", "Missing"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["BT"] == nil {
		t.Fatalf("got %q", got)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>BT</fullName><callbackUrl>https://a.example/cb</callbackUrl><consumerKey>3MVG9key</consumerKey><consumerSecret>S3CR3T</consumerSecret><externalClientApplication>BT</externalClientApplication><label>BT</label></ExtlClntAppGlobalOauthSettings>` + "\n"
	if string(got["BT"]) != want {
		t.Errorf("document:\n%s\nwant\n%s", got["BT"], want)
	}
	if b := (*bodies)[0]; !strings.Contains(b, "<met:readMetadata><met:type>ExtlClntAppGlobalOauthSettings</met:type><met:fullNames>BT</met:fullNames><met:fullNames>Missing</met:fullNames></met:readMetadata>") {
		t.Errorf("body:\n%s", b)
	}
}

func TestSOAPFaults(t *testing.T) {
	srv, _ := soapStub(t, func(body string) (int, string) {
		return 500, fault("sf:INVALID_TYPE", "INVALID_TYPE: Unknown type name 'Nope' specified in package.xml")
	})
	_, err := newClient(srv.URL, testToken, nil).ReadMetadata(context.Background(), "Nope", []string{"X"})
	var f *salesforce.SOAPFault
	if !errors.As(err, &f) || f.Code != "sf:INVALID_TYPE" {
		t.Fatalf("err = %v (%T)", err, err)
	}
	if got, want := err.Error(), "readMetadata: INVALID_TYPE: Unknown type name 'Nope' specified in package.xml"; got != want {
		t.Errorf("error %q\nwant  %q", got, want)
	}
	// A session the org refuses is the 401 the token layer renews on;
	// with a token that cannot be renewed, it is an APIError with the code.
	_, err = newClient(srv.URL, "expired", nil).ListMetadata(context.Background(), []salesforce.ListQuery{{Type: "X"}})
	var ae *salesforce.APIError
	if !errors.As(err, &ae) || ae.Status != 401 || !ae.HasCode("INVALID_SESSION_ID") {
		t.Fatalf("err = %v (%T)", err, err)
	}
}
