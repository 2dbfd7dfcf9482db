// Package assetstest holds checks the commands' tests share on what
// assets renders for people: flag help in the operator's language.
package assetstest

import (
	"strings"
	"unicode"
)

// UndescribedFlags returns the flags ("--db FILE") that the help text
// (assets.PrintFlags' layout: a flag line, then its description indented
// below) lists without a description in Chinese, and how many flags it
// lists in all, so a test also fails on help that lists none.
func UndescribedFlags(help string) (missing []string, flags int) {
	lines := strings.Split(help, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "  --") {
			continue
		}
		flags++
		if i+1 >= len(lines) || !strings.ContainsFunc(lines[i+1], isHan) {
			missing = append(missing, strings.TrimSpace(l))
		}
	}
	return missing, flags
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }
