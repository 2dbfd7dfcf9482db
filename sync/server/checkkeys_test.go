package server

import (
	"testing"

	"fupinpos/pos"
)

// TestCheckKeys: a deployment accepts only the keys of the directory that
// made it — by its recorded root, or, on a deployment recorded before the
// root was, by its issuer key.
func TestCheckKeys(t *testing.T) {
	mine, err := NewKeyring(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewKeyring(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	listed := func(k *Keyring) []pos.IssuerKey {
		return []pos.IssuerKey{{ID: pos.KeyIDOf(k.IssuerPublic()), Public: k.IssuerPublic()}}
	}
	for _, tc := range []struct {
		name string
		d    Deployment
		ok   bool
		key  string
	}{
		{"own root", Deployment{Root: mine.RootPublic(), Keys: listed(mine)}, true, ""},
		{"other root", Deployment{Root: other.RootPublic(), Keys: listed(mine)}, false, "foreign_keys"},
		{"old record, own issuer", Deployment{Keys: listed(mine)}, true, ""},
		{"old record, other issuer", Deployment{Keys: listed(other)}, false, "foreign_keys_old"},
	} {
		err := CheckKeys(&tc.d, mine)
		if (err == nil) != tc.ok || pos.ErrorKey(err) != tc.key {
			t.Errorf("%s: %v (key %q)", tc.name, err, pos.ErrorKey(err))
		}
		if err != nil && pos.ErrorCode(err) != pos.ECONFLICT {
			t.Errorf("%s: code %s", tc.name, pos.ErrorCode(err))
		}
	}
}
