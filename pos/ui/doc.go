// Package ui holds the counter terminal's Fyne screens: login, cashier,
// manager and technician. The screen logic lives in plain Go types (Session
// for the cashier) that tests drive without a window; the widgets only show
// them. ui never imports fyne.io/fyne/v2/app, so its tests run with
// fyne.io/fyne/v2/test; cmd/fupinpos does the wiring.
package ui
