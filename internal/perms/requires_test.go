package perms

import (
	"reflect"
	"testing"
)

func TestRequires(t *testing.T) {
	if got := Requires("ModifyAllData"); !reflect.DeepEqual(got, []string{"ViewAllData"}) {
		t.Errorf("Requires(ModifyAllData) = %v", got)
	}
	if got := Closure("ModifyAllData"); !reflect.DeepEqual(got, []string{"ViewAllData"}) {
		t.Errorf("Closure(ModifyAllData) = %v", got)
	}
	if got := Requires("ApiEnabled"); len(got) != 0 {
		t.Errorf("Requires(ApiEnabled) = %v, want none", got)
	}
	for name, reqs := range requires {
		if _, ok := Lookup(name); !ok {
			t.Errorf("requires names unknown permission %q", name)
		}
		for _, r := range reqs {
			if _, ok := Lookup(r); !ok {
				t.Errorf("%s requires unknown permission %q", name, r)
			}
		}
	}
}
