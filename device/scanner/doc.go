// Package scanner turns the bytes a barcode/QR scanner sends into scans.
//
// One Read is never one scan: at 9600 baud a 270-digit voucher code
// arrives over about 0.3 s in many reads. The Framer is pure (bytes and
// times in, frames out) so every framing rule is tested without a device:
// the terminator (CR, CRLF, LF or TAB) alone frames a scan, however long a
// wireless scanner pauses inside it; with none, an idle gap (per port,
// idle=80ms in the URI) ends it. Also a maximum length, an optional AIM
// identifier, STX … ETX wrapping stripped, partial, overlong and garbage
// frames refused with pos.EPARTIALSCAN, pos.ESCANTOOLONG and
// pos.EUNKNOWNSCAN (with hints: terminator, STX/ETX, aim=1), and identical
// re-reads within a short window dropped.
//
// Reader drives a Framer from a serial port through go.bug.st/serial with a
// read-timeout loop (never bufio.Scanner). At its first open it drops the
// input that waited from before and says so (EventDiscarded); it reports
// connected / disconnected / error (pos.ESCANNERGONE) and, after an unplug,
// reopens the port as soon as a device reappears at its path (polled every
// PollInterval), dropping nothing: a scan right after a replug is read. Wedge drives a Framer from the
// runes a keyboard-wedge (HID) scanner types into a focused entry.
// Classify and Check tell a voucher code from a product barcode (EAN-13,
// EAN-8) and from anything else. ParseURI reads the terminal's scanner
// setting (serial:///dev/ttyUSB0?baud=9600&term=cr, serial://COM3 on
// Windows) and Ports lists the serial ports a technician can choose from,
// with by-id and by-path links and the USB socket.
package scanner
