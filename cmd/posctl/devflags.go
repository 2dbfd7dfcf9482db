package main

import (
	"fupinpos/device/printer"
	"fupinpos/device/scanner"
)

// checkDeviceFlags refuses, as a usage error naming the flag, a --printer
// or --scanner URI the device packages would refuse later: before a sale
// is recorded (redeem) or a configuration saved (provision, enroll), so a
// typo is never found only when the receipt fails to print or the app
// starts without its scanner. Empty URIs are not checked.
func checkDeviceFlags(printerURI, scannerURI string) error {
	if printerURI != "" {
		if _, err := printer.ParseURI(printerURI); err != nil {
			return badFlag("printer", err)
		}
	}
	if scannerURI != "" {
		if _, err := scanner.ParseURI(scannerURI); err != nil {
			return badFlag("scanner", err)
		}
	}
	return nil
}
