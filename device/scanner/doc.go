// Package scanner turns the bytes a barcode/QR scanner sends into scans.
//
// One Read is never one scan: at 9600 baud a 270-digit voucher code
// arrives over about 0.3 s in many reads. The Framer is pure (bytes and
// times in, frames out) so every framing rule is tested without a device:
// a terminator (CR, CRLF, LF, TAB or none) plus an inter-byte idle timeout,
// a maximum length, an optional AIM identifier, partial, overlong and
// garbage frames refused with pos.EPARTIALSCAN, pos.ESCANTOOLONG and
// pos.EUNKNOWNSCAN, and identical re-reads within a short window dropped.
//
// Reader drives a Framer from a serial port through go.bug.st/serial with a
// read-timeout loop (never bufio.Scanner), drops stale input at open,
// reports connected / disconnected / error (pos.ESCANNERGONE) and reopens
// the port with backoff after an unplug. Wedge drives a Framer from the
// runes a keyboard-wedge (HID) scanner types into a focused entry.
// Classify and Check tell a voucher code from a product barcode (EAN-13,
// EAN-8) and from anything else. ParseURI reads the terminal's scanner
// setting (serial:///dev/ttyUSB0?baud=9600&term=cr) and Ports lists the
// serial ports a technician can choose from.
package scanner
