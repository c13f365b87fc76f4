package diag

import "testing"

func TestRedact(t *testing.T) {
	for _, tc := range []struct {
		in      string
		secrets []string
		want    string
	}{
		{"password ab is wrong", []string{"ab"}, "password (secret) is wrong"},
		{"table abc ab.", []string{"ab"}, "table abc (secret)."},
		{"x=ab,y", []string{"ab"}, "x=(secret),y"},
		{"a", []string{"a"}, "(secret)"},
		{"set SF_ACCESS_TOKEN=TOKEN now", []string{"TOKEN"}, "set (secret)=(secret) now"},
		{"Bearer 00D000000000001AAA!AQxyz.", []string{"00D000000000001AAA!AQxyz"}, "Bearer (secret)."},
		{"echo Pa55word1 back", []string{"Pa55word"}, "echo (secret) back"},
		{"s3cr3t-token and s3cr3t", []string{"s3cr3t", "s3cr3t-token"}, "(secret) and (secret)"},
		{"überGeheimnis!", []string{"Geheim"}, "(secret)!"},
		{"!x! and x", []string{"!x!"}, "(secret) and x"},
		{"nothing here", []string{"", "zzz"}, "nothing here"},
		{"(secret)", []string{"secret"}, "((secret))"},
	} {
		if got := Redact(tc.in, tc.secrets); got != tc.want {
			t.Errorf("Redact(%q, %q) = %q, want %q", tc.in, tc.secrets, got, tc.want)
		}
	}
}
