package printer

import (
	"errors"

	"fupinpos/pos"
)

func asPosError(err error, pe **pos.Error) bool { return errors.As(err, pe) }
