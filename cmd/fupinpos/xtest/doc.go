// Package xtest drives the real fupinpos binary under Xvfb with xdotool, as
// a cashier with a keyboard-wedge scanner would: log in, scan at wedge
// speed, type a code by hand, press keys with a dialog open, tap a payment
// method and scan again. It asserts on the ledger (posctl ledger list
// --json) and on screenshots taken with ImageMagick's import.
//
// The tests carry the build tag realx (they need Xvfb, xdotool and
// ImageMagick, and build the binaries): `make xtest`, part of `make test`.
package xtest
