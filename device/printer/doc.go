// Package printer sends ESC/POS bytes to a receipt printer named by one
// URI, the same string in the terminal configuration, the app and posctl:
//
//	tcp://192.168.1.50:9100?paper=80
//	serial:///dev/ttyS0?baud=9600&paper=58
//	file:///dev/usb/lp0?paper=80
//
// Options: paper=58|80|80-180 (the escpos profile), qr=native|raster,
// drawer=0|1, cut=0|1, baud=N (serial), timeout=DURATION (write and
// status answer deadline), status=0|1 (ask DLE EOT before and after each
// job; on by default for tcp and serial, off for file, since a USB line
// printer's read-back is unreliable and "unknown" is a real state there).
//
// A job fails with a *pos.Error whose code says what the cashier must do —
// EPAPEROUT, ECOVEROPEN, EPRINTEROFFLINE — and the caller keeps the sale:
// the ledger is written before printing, and the receipt can be reprinted.
package printer
