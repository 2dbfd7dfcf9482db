//go:build !demo

package main

// demoBuild is false in the product build: no demo flags, simulators or
// run modes are registered (see demo_ext.go, built with -tags demo).
const demoBuild = false
