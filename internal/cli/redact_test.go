package cli

import (
	"bytes"
	"fmt"
	"testing"
)

func TestRedactorHidesSecretsInAnyOutput(t *testing.T) {
	r := &redactor{}
	r.add("s3cr3t-token", "s3cr3t", "ab", "TOKEN")
	var b bytes.Buffer
	w := r.writer(&b)
	fmt.Fprintf(w, "Error: INVALID_EMAIL_ADDRESS: s3cr3t-token and s3cr3t, ab in the table; set SF_ACCESS_TOKEN\n")
	// A short secret is hidden as a word only ("table" stays); the rest of
	// a word holding a secret goes with it (no "SF_ACCESS_(secret)").
	want := "Error: INVALID_EMAIL_ADDRESS: (secret) and (secret), (secret) in the table; set (secret)\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
