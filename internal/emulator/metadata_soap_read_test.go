package emulator

import (
	"strings"
	"testing"
)

func TestSOAPListAndReadExternalClientApp(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	assignedSet(t, o, "Order_Sync_Integration")
	if res := deploy(t, o, map[string]any{}, ecaBundle("Order_Sync", "Order_Sync_oauthPlcy", "Order_Sync_Integration", "")); res["status"] != "Succeeded" {
		t.Fatalf("deploy: %v %v", res["status"], problems(res))
	}
	// listMetadata finds the policies under the name the org generated.
	r := soapCall(t, o, testToken, `<listMetadata><queries><type>ExtlClntAppOauthConfigurablePolicies</type></queries><asOfVersion>66.0</asOfVersion></listMetadata>`)
	body := string(r.body)
	if r.status != 200 || !strings.Contains(body, "<fileName>extlClntAppOauthPolicies/Order_Sync_oauthPlcy.ecaOauthPlcy</fileName><fullName>Order_Sync_oauthPlcy</fullName><id>0Hz") ||
		!strings.Contains(body, "<manageableState>unmanaged</manageableState><type>ExtlClntAppOauthConfigurablePolicies</type>") {
		t.Fatalf("listMetadata: %d %s", r.status, body)
	}
	// The same id on the next list.
	id := body[strings.Index(body, "<id>")+4 : strings.Index(body, "</id>")]
	if r2 := soapCall(t, o, testToken, `<listMetadata><queries><type>ExtlClntAppOauthConfigurablePolicies</type></queries></listMetadata>`); !strings.Contains(string(r2.body), "<id>"+id+"</id>") {
		t.Errorf("the id changed: %s", r2.body)
	}
	// readMetadata: the stored elements in order, the consumer's key and
	// secret the org made, and an empty record for a name it lacks.
	r = soapCall(t, o, testToken, `<readMetadata><type>ExtlClntAppGlobalOauthSettings</type><fullNames>Order_Sync</fullNames><fullNames>Nope</fullNames></readMetadata>`)
	body = string(r.body)
	app := o.md().ECAs["Order_Sync"]
	want := `<records xsi:type="ExtlClntAppGlobalOauthSettings"><fullName>Order_Sync</fullName><callbackUrl>https://login.salesforce.com/services/oauth2/success</callbackUrl>` +
		`<consumerKey>` + app.ConsumerKey + `</consumerKey><consumerSecret>` + app.ConsumerSecret + `</consumerSecret><externalClientApplication>Order_Sync</externalClientApplication>` +
		`<isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled><label>Order Sync</label></records><records xsi:type="ExtlClntAppGlobalOauthSettings"></records>`
	if r.status != 200 || !strings.Contains(body, want) {
		t.Fatalf("readMetadata: %d %s\nwant %s", r.status, body, want)
	}
	r = soapCall(t, o, testToken, `<readMetadata><type>ExternalClientApplication</type><fullNames>order_sync</fullNames></readMetadata>`)
	if !strings.Contains(string(r.body), `<records xsi:type="ExternalClientApplication"><fullName>Order_Sync</fullName><contactEmail>admin@example.com</contactEmail>`) {
		t.Errorf("readMetadata header: %s", r.body)
	}
	// Types the emulator does not read, and too many names.
	if r := soapCall(t, o, testToken, `<readMetadata><type>Profile</type><fullNames>Admin</fullNames></readMetadata>`); r.status != 500 || !strings.Contains(string(r.body), "The emulator reads External Client App types only") {
		t.Errorf("Profile: %d %s", r.status, r.body)
	}
	if r := soapCall(t, o, testToken, `<readMetadata><type>ExtlClntAppOauthSettings</type>`+strings.Repeat(`<fullNames>X</fullNames>`, 11)+`</readMetadata>`); r.status != 500 || !strings.Contains(string(r.body), "LIMIT_EXCEEDED") {
		t.Errorf("11 names: %d %s", r.status, r.body)
	}
	if r := soapCall(t, o, "bad", `<readMetadata><type>ExtlClntAppOauthSettings</type></readMetadata>`); r.status != 500 || !strings.Contains(string(r.body), "<faultcode>sf:INVALID_SESSION_ID</faultcode>") {
		t.Errorf("bad session: %d %s", r.status, r.body)
	}
}
