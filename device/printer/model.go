package printer

import "fupinpos/device/escpos"

// profileOfModel is the escpos profile a GS I 1 model id names, if any.
func profileOfModel(id byte) (escpos.Profile, bool) {
	return escpos.ProfileByModelID([]byte{id})
}
