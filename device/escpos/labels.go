package escpos

import "fupinpos/assets"

// Labels translates the fixed words of a receipt ("receipt.total" → 合计).
// *assets.Messages satisfies it, so a receipt prints in the terminal's
// language from the same translation files as the screens.
type Labels interface {
	T(key string, params map[string]string) string
}

// labelsOr returns l, or the Chinese table when l is nil: a receipt is
// Chinese unless the terminal is configured otherwise.
func labelsOr(l Labels) Labels {
	if l == nil {
		return assets.For("zh_Hans")
	}
	return l
}

// tr returns the label for key.
func tr(l Labels, key string) string { return l.T(key, nil) }
