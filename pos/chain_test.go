package pos

import (
	"crypto/ed25519"
	"testing"
	"time"
)

func makeChain(t *testing.T, key ed25519.PrivateKey, n int) []Entry {
	t.Helper()
	var prev Hash
	var out []Entry
	for i := 1; i <= n; i++ {
		e, err := Seal(&AuditEvent{Seq: uint64(i), Prev: prev, Time: at("2020-08-01 10:00:00").Add(time.Duration(i) * time.Second), Actor: "u", Action: AuditLogin}, key)
		if err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestChainVerifier(t *testing.T) {
	pub, key, _ := ed25519.GenerateKey(nil)
	_, other, _ := ed25519.GenerateKey(nil)
	tests := []struct {
		name   string
		tamper func([]Entry) []Entry
		badSeq uint64 // 0 = the chain verifies
	}{
		{"intact", func(c []Entry) []Entry { return c }, 0},
		{"byte changed", func(c []Entry) []Entry {
			b := append([]byte(nil), c[2].Body...)
			b[len(b)-3] ^= 1
			c[2].Body = b
			return c
		}, 3},
		{"rehashed without key", func(c []Entry) []Entry {
			e, _ := Seal(&AuditEvent{Seq: 3, Prev: c[1].Hash, Actor: "evil", Action: AuditLogin}, other)
			c[2] = e
			return c
		}, 3},
		{"record removed", func(c []Entry) []Entry { return append(c[:1], c[2:]...) }, 2},
		{"records swapped", func(c []Entry) []Entry { c[1], c[2] = c[2], c[1]; return c }, 2},
		{"relinked with own key", func(c []Entry) []Entry {
			e, _ := Seal(&AuditEvent{Seq: 2, Prev: Hash{}, Actor: "u", Action: AuditLogin}, key)
			c[1] = e
			return c
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chain := tt.tamper(makeChain(t, key, 5))
			v := ChainVerifier{Public: pub}
			var bad uint64
			for i, e := range chain {
				if err := v.Check(e); err != nil {
					if ErrorCode(err) != ECONFLICT {
						t.Fatalf("code %s", ErrorCode(err))
					}
					bad = uint64(i + 1)
					break
				}
			}
			if bad != tt.badSeq {
				t.Fatalf("first bad entry %d, want %d", bad, tt.badSeq)
			}
		})
	}
}
