package sfid

import "testing"

func TestTo18MatchesRecordedIds(t *testing.T) {
	// Ids recorded from live orgs (shared/reference/fixtures) carry the real suffix.
	for _, id := range []string{
		"005dM00000awSFJQA2", // oauth-userinfo.json
		"001dM00003kS3BpQAK", // sobject-basic-info-Account-v63.json
		"012000000000000AAA", // describe-Account-v58.json master record type
		"0125j000000bo4yAAA", // describe-Account-personaccounts-v59.json
		"001dM00003kRs59QAC", // sobject-basic-info-Account-v63.json
	} {
		if got := To18(id[:15]); got != id {
			t.Errorf("To18(%q) = %q, want %q", id[:15], got, id)
		}
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"005dM00000awSFJQA2", true},
		{"005dM00000awSFJqa2", true}, // suffix is case-insensitive
		{"005dM00000awSFJ", true},
		{"005dM00000awSFJAAA", false},
		{"somethingwonky", false},
		{"005dM00000awSF!", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Valid(tt.in); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNew(t *testing.T) {
	id := New("005", 1)
	if id != To18("005Em0000000001") {
		t.Fatalf("New = %q", id)
	}
	if len(id) != 18 || !Valid(id) || Prefix(id) != "005" {
		t.Fatalf("bad id %q", id)
	}
	if New("005", 62) != To18("005Em0000000010") {
		t.Fatalf("base62 rollover wrong: %q", New("005", 62))
	}
}
