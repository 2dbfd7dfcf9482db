package main

import (
	"fmt"
	"io"
	"os"

	"fupinpos/assets"
)

// tr returns the translation of key (in the language of LANG) with its
// parameters given as name, value pairs.
func tr(key string, kv ...any) string { return messages().Tv(key, kv...) }

// say prints the translated line key (see tr) to w.
func say(w io.Writer, key string, kv ...any) {
	fmt.Fprintln(w, tr(key, kv...))
}

// has reports whether the translation table of LANG has key.
func has(key string) bool { return messages().Has(key) }

// messages returns the translation table of LANG.
func messages() *assets.Messages { return assets.For(os.Getenv("LANG")) }

// usagef returns a usage error (exit status 2) worded by the translation
// of key, so a technician reads it in the language of LANG.
func usagef(key string, kv ...any) error { return messages().Usage(key, kv...) }
