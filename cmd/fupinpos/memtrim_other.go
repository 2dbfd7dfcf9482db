//go:build !linux

package main

// trimCHeap is malloc_trim on Linux (glibc); elsewhere it does nothing.
func trimCHeap() {}
