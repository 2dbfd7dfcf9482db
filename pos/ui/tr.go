package ui

import (
	"os"
	"strconv"
	"time"

	"fyne.io/fyne/v2/lang"

	"fupinpos/assets"
	"fupinpos/pos"
)

// Tr is the language the screens speak. It wraps the shared translation
// table so the CLI, receipts and screens say the same thing.
type Tr struct{ m *assets.Messages }

// NewTr returns the translations of lang ("zh_Hans" or "en").
func NewTr(lang string) Tr { return Tr{assets.For(lang)} }

// Lang returns the language code.
func (t Tr) Lang() string { return t.m.Lang }

// T translates key, filling {{.name}} params given as name, value pairs.
func (t Tr) T(key string, kv ...string) string {
	var p map[string]string
	if len(kv) > 1 {
		p = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			p[kv[i]] = kv[i+1]
		}
	}
	return t.m.T(key, p)
}

// Incident says why the server flagged a record (assets.Messages.Incident).
func (t Tr) Incident(reason string) string { return t.m.Incident(reason) }

// Resolution says how the server closed an incident's cases, "" while
// they are under review (assets.Messages.Resolution).
func (t Tr) Resolution(r *pos.IncidentResolution) string { return t.m.Resolution(r) }

// Err translates an error by its code, with its parameters.
func (t Tr) Err(err error) string { return t.m.Error(err) }

// Method names a payment method.
func (t Tr) Method(m pos.PayMethod) string {
	if m == pos.PayNone {
		return t.T("ui.pay.none")
	}
	return t.T("pay." + string(m))
}

// ProductName is the product's name in this language.
func (t Tr) ProductName(p *pos.Product) string {
	if t.Lang() == "en" && p.NameEn != "" {
		return p.NameEn
	}
	return p.Name
}

// SetLanguage makes lang ("zh_Hans" or "en") the language of Fyne's own
// dialogs as well as of the screens. Fyne picks its language from the
// locale environment each time translations are added, and no API forces
// one, so the locale is set to the chosen language and the app's
// translation files are (re)loaded. It returns the Tr for the screens.
func SetLanguage(code string) (Tr, error) {
	code = assets.Normalize(code)
	loc := "zh_CN.UTF-8"
	if code == "en" {
		loc = "en_US.UTF-8"
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANGUAGE"} {
		os.Unsetenv(k)
	}
	os.Setenv("LANG", loc)
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		return Tr{}, err
	}
	return NewTr(code), nil
}

// Age says how long ago, in whole minutes, hours or days.
func (t Tr) Age(d time.Duration) string {
	switch {
	case d < 0:
		return t.T("ui.age.never")
	case d < time.Hour:
		return t.T("ui.age.minutes", "n", strconv.Itoa(int(d/time.Minute)))
	case d < 48*time.Hour:
		return t.T("ui.age.hours", "n", strconv.Itoa(int(d/time.Hour)))
	default:
		return t.T("ui.age.days", "n", strconv.Itoa(int(d/(24*time.Hour))))
	}
}
