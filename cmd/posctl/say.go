package main

import (
	"fmt"
	"io"
)

// tr returns the translation of key (in the language of LANG) with its
// parameters given as name, value pairs.
func tr(key string, kv ...any) string { return msgs().Tv(key, kv...) }

// say prints the translated line key (see tr) to w.
func say(w io.Writer, key string, kv ...any) {
	fmt.Fprintln(w, tr(key, kv...))
}
