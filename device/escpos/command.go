package escpos

// Control bytes of the ESC/POS subset this package writes and reads.
const (
	LF  = 0x0A
	ESC = 0x1B
	GS  = 0x1D
	FS  = 0x1C
	DLE = 0x10
	EOT = 0x04
)

// Alignment is the justification set by ESC a.
type Alignment byte

// Alignments.
const (
	AlignLeft   Alignment = 0
	AlignCenter Alignment = 1
	AlignRight  Alignment = 2
)

// ECLevel is a QR error-correction level as GS ( k function 169 numbers it.
type ECLevel byte

// QR error-correction levels.
const (
	ECLow      ECLevel = 48
	ECMedium   ECLevel = 49
	ECQuartile ECLevel = 50
	ECHigh     ECLevel = 51
)

// Status query kinds of DLE EOT n.
const (
	StatusPrinter = 1 // online / offline, drawer pin
	StatusOffline = 2 // cause of offline: cover open, paper end, error
	StatusError   = 3 // cutter, unrecoverable, auto-recoverable errors
	StatusPaper   = 4 // roll paper sensor: near end, end
)

// Bits of the DLE EOT answers. Every answer byte has bit 1 and bit 4 set
// and bits 0 and 7 clear, which is how a reader tells it from other bytes.
const (
	StatusFixedMask  = 0x93
	StatusFixedValue = 0x12

	StatusBitOffline   = 0x08 // n=1: the printer is offline
	StatusBitCoverOpen = 0x04 // n=2: the cover is open
	StatusBitFeedKey   = 0x08 // n=2: paper is being fed by the feed button
	StatusBitPaperStop = 0x20 // n=2: printing stopped at paper end
	StatusBitError     = 0x40 // n=2: an error occurred
	StatusBitNearEnd   = 0x0C // n=4: paper near end (both bits)
	StatusBitPaperOut  = 0x60 // n=4: paper end (both bits)
)

// IsStatusByte reports whether b has the fixed bits of a DLE EOT answer.
func IsStatusByte(b byte) bool { return b&StatusFixedMask == StatusFixedValue }

// StatusQuery returns DLE EOT n.
func StatusQuery(n byte) []byte { return []byte{DLE, EOT, n} }
