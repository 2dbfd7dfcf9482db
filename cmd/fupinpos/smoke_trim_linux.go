//go:build demo

package main

// #include <malloc.h>
import "C"

// trimCHeap gives the C heap's free pages back to the system
// (malloc_trim): the GL driver and the window system allocate in C, and
// glibc keeps what they free. The smoke run reports RSS with and without
// it (rss_steady_malloc_trim_mb).
func trimCHeap() { C.malloc_trim(0) }
