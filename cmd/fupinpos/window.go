package main

import (
	"log"

	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// fitWindow makes w no larger than the primary monitor (Fyne never clamps
// a window to the screen, DESIGN §7): on a screen no larger than want the
// window goes full screen, else it gets want. Fyne has no screen-size API,
// so the monitor is read through GLFW (the same module and version Fyne
// uses). Call it on the UI thread once the driver runs
// (Lifecycle().SetOnStarted).
func fitWindow(w fyne.Window, want fyne.Size, fullscreen bool) {
	if fullscreen {
		return
	}
	mon := glfw.GetPrimaryMonitor()
	if mon == nil {
		return
	}
	vm := mon.GetVideoMode()
	if vm == nil {
		return
	}
	scale := w.Canvas().Scale()
	if scale <= 0 {
		scale = 1
	}
	screen := fyne.NewSize(float32(vm.Width)/scale, float32(vm.Height)/scale)
	full, size := fit(want, screen)
	log.Printf("screen %dx%d px (scale %.2f): window %vx%v, full screen %v", vm.Width, vm.Height, scale, size.Width, size.Height, full)
	if full {
		w.SetFullScreen(true)
		return
	}
	w.Resize(size)
}

// fit decides the window for a wanted size on a screen (both in Fyne
// units): full screen when the screen is no larger than want in either
// direction, else want.
func fit(want, screen fyne.Size) (full bool, size fyne.Size) {
	if screen.Width <= 0 || screen.Height <= 0 {
		return false, want
	}
	if screen.Width <= want.Width || screen.Height <= want.Height {
		return true, screen
	}
	return false, want
}
