package cli

import (
	"bytes"
	"fmt"
	"testing"
)

func TestRedactorHidesSecretsInAnyOutput(t *testing.T) {
	r := &redactor{}
	r.add("s3cr3t-token", "s3cr3t", "ab")
	var b bytes.Buffer
	w := r.writer(&b)
	fmt.Fprintf(w, "Error: INVALID_EMAIL_ADDRESS: s3cr3t-token and s3cr3t, ab\n")
	want := "Error: INVALID_EMAIL_ADDRESS: (secret) and (secret), ab\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
