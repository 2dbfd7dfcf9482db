package printer

import (
	"fmt"

	"fupinpos/device/escpos"
	"fupinpos/pos"
)

// State is a printer's condition in one word, for the status bar and logs.
type State string

// States. StateUnknown is normal for printers that cannot answer (USB line
// printers, status=0); printing proceeds then.
const (
	StateOnline       State = "online"
	StatePaperNearEnd State = "paper_near_end"
	StatePaperOut     State = "paper_out"
	StateCoverOpen    State = "cover_open"
	StateOffline      State = "offline"
	StateUnknown      State = "unknown"
)

// Status is what the printer answered to DLE EOT 1 (printer), 2 (offline
// cause) and 4 (paper sensor).
type Status struct {
	Known        bool // the printer answered; false: it cannot (status unknown)
	Offline      bool
	CoverOpen    bool
	PaperNearEnd bool
	PaperOut     bool
	Error        bool    // cutter jam, head overheat and other errors
	Raw          [3]byte // the answers to n = 1, 2, 4
}

// ParseStatus decodes the answers to DLE EOT 1, 2 and 4.
func ParseStatus(printer, offline, paper byte) Status {
	return Status{
		Known:        true,
		Offline:      printer&escpos.StatusBitOffline != 0,
		CoverOpen:    offline&escpos.StatusBitCoverOpen != 0,
		PaperOut:     offline&escpos.StatusBitPaperStop != 0 || paper&escpos.StatusBitPaperOut != 0,
		PaperNearEnd: paper&escpos.StatusBitNearEnd != 0,
		Error:        offline&escpos.StatusBitError != 0,
		Raw:          [3]byte{printer, offline, paper},
	}
}

// State sums the status up, the most urgent condition first.
func (s Status) State() State {
	switch {
	case !s.Known:
		return StateUnknown
	case s.PaperOut:
		return StatePaperOut
	case s.CoverOpen:
		return StateCoverOpen
	case s.Offline || s.Error:
		return StateOffline
	case s.PaperNearEnd:
		return StatePaperNearEnd
	}
	return StateOnline
}

// Err returns the error a job gets in this state, or nil when printing can
// go ahead (online, paper near end, unknown).
func (s Status) Err() error {
	switch s.State() {
	case StatePaperOut:
		return pos.Errorf(pos.EPAPEROUT, "printer is out of paper (status %s)", s.hex())
	case StateCoverOpen:
		return pos.Errorf(pos.ECOVEROPEN, "printer cover is open (status %s)", s.hex())
	case StateOffline:
		return pos.Errorf(pos.EPRINTEROFFLINE, "printer is offline (status %s)", s.hex())
	}
	return nil
}

// String describes the status for logs and posctl.
func (s Status) String() string {
	if !s.Known {
		return string(StateUnknown)
	}
	return fmt.Sprintf("%s (DLE EOT 1/2/4 = %s)", s.State(), s.hex())
}

func (s Status) hex() string { return fmt.Sprintf("%02X %02X %02X", s.Raw[0], s.Raw[1], s.Raw[2]) }
