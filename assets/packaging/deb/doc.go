// Package deb holds the Debian packaging of fupinpos: the files of the
// fupinpos-terminal and voucherd packages, build.sh (make dist) and the
// tests that build, inspect, install and upgrade them (make test-dist sets
// FUPINPOS_DIST; without it only the quick script tests run).
package deb
