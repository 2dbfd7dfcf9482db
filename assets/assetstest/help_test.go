package assetstest

import (
	"reflect"
	"testing"
)

func TestUndescribedFlags(t *testing.T) {
	for _, tc := range []struct {
		help    string
		missing []string
		flags   int
	}{
		{"用法：x\n  --db FILE\n    \t终端数据库文件\n  --json\n    \tprint JSON\n", []string{"--json"}, 2},
		{"用法：x\n  --db FILE\n    \t终端数据库文件\n", nil, 1},
		{"用法：x\n  --last\n", []string{"--last"}, 1},
		{"用法：x\n", nil, 0},
	} {
		missing, flags := UndescribedFlags(tc.help)
		if !reflect.DeepEqual(missing, tc.missing) || flags != tc.flags {
			t.Errorf("UndescribedFlags(%q) = %q, %d; want %q, %d", tc.help, missing, flags, tc.missing, tc.flags)
		}
	}
}
