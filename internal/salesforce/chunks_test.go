package salesforce

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCountsAsQuery(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"/services/data/v62.0/query?q=SELECT+Id+FROM+User", true},
		{"/services/data/v62.0/query/?q=SELECT+Id+FROM+User", true},
		{"/services/data/v62.0/query/01gEm0000000001IAA-2000", true},
		{"/services/data/v62.0/queryAll?q=SELECT+Id+FROM+User", true},
		{"/services/data/v62.0/composite/sobjects", true},
		{"/services/data/v62.0/composite/sobjects?ids=001,002&allOrNone=false", true},
		{"/services/data/v62.0/sobjects/Account/describe", false},
		{"/services/data/v62.0/sobjects/Query__c/a00000000000001", false},
		{"/services/data/v62.0/sobjects/User/005000000000001?fields=Name", false},
		{"/services/data/v62.0/composite", false},
		{"/services/oauth2/userinfo", false},
	}
	for _, tt := range tests {
		if got := countsAsQuery(tt.url); got != tt.want {
			t.Errorf("countsAsQuery(%q) = %v, want %v", tt.url, got, tt.want)
		}
	}
}

func TestCompositeChunks(t *testing.T) {
	q := SubRequest{URL: "/services/data/v62.0/query?q=x"}
	d := SubRequest{URL: "/services/data/v62.0/sobjects/Account/describe"}
	rep := func(r SubRequest, n int) []SubRequest {
		out := make([]SubRequest, n)
		for i := range out {
			out[i] = r
		}
		return out
	}
	seq := func(from, to int) []int {
		var out []int
		for i := from; i < to; i++ {
			out = append(out, i)
		}
		return out
	}
	tests := []struct {
		name string
		reqs []SubRequest
		want [][]int
	}{
		{"none", nil, [][]int{}},
		{"25 describes: one call", rep(d, 25), [][]int{seq(0, 25)}},
		{"26 describes: two calls", rep(d, 26), [][]int{seq(0, 25), {25}}},
		{"5 queries: one call", rep(q, 5), [][]int{seq(0, 5)}},
		{"6 queries: two calls", rep(q, 6), [][]int{seq(0, 5), {5}}},
		{"queries first, describes fill the calls", append(rep(q, 7), rep(d, 3)...), [][]int{{0, 1, 2, 3, 4, 7, 8, 9}, {5, 6}}},
		{"describes first", append(rep(d, 3), rep(q, 7)...), [][]int{{0, 1, 2, 3, 4, 5, 6, 7}, {8, 9}}},
		{"24 describes and 6 queries: two calls", append(rep(d, 24), rep(q, 6)...), [][]int{append(seq(0, 20), seq(24, 29)...), append(seq(20, 24), 29)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compositeChunks(tt.reqs)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("chunks (-want +got):\n%s", diff)
			}
		})
	}
}
