// Package assets embeds what the binaries ship: the translation files
// (Chinese first, English second), the demo catalogue, work units and
// campaign. The same translation files feed the CLI (through Messages) and
// the Fyne app (through lang.AddTranslationsFS).
package assets

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"text/template"

	"fupinpos/pos"
)

// Translations holds translations/pos.<lang>.json, in the file naming that
// Fyne's lang.AddTranslationsFS expects.
//
//go:embed translations/*.json
var Translations embed.FS

// Demo holds demo/catalogue.json, demo/units.json and demo/campaign.json.
//
//go:embed demo/*.json
var Demo embed.FS

// Languages lists the supported languages, default first.
var Languages = []string{"zh_Hans", "en"}

// Messages is one language's translation table.
type Messages struct {
	Lang string
	m    map[string]string
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*Messages{}
)

// For returns the messages of lang ("zh_Hans", "zh", "en", "en_US", a LANG
// value such as "zh_CN.UTF-8"); anything unknown gets Chinese.
func For(lang string) *Messages {
	l := Normalize(lang)
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if m, ok := cache[l]; ok {
		return m
	}
	b, err := fs.ReadFile(Translations, "translations/pos."+l+".json")
	if err != nil {
		panic(fmt.Sprintf("assets: missing translation file for %s: %v", l, err))
	}
	m := &Messages{Lang: l, m: map[string]string{}}
	if err := json.Unmarshal(b, &m.m); err != nil {
		panic(fmt.Sprintf("assets: translation file for %s: %v", l, err))
	}
	cache[l] = m
	return m
}

// Normalize maps a locale name to a supported language: English for en*,
// Chinese for everything else.
func Normalize(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return "en"
	}
	return "zh_Hans"
}

// T returns the text for key with {{.name}} parameters filled in, or the
// key itself when the table lacks it (so a missing string is visible, not blank).
func (m *Messages) T(key string, params map[string]string) string {
	s, ok := m.m[key]
	if !ok {
		return key
	}
	if !strings.Contains(s, "{{") {
		return s
	}
	t, err := template.New(key).Option("missingkey=zero").Parse(s)
	if err != nil {
		return s
	}
	var b strings.Builder
	if err := t.Execute(&b, params); err != nil {
		return s
	}
	return strings.ReplaceAll(b.String(), "<no value>", "")
}

// Tv is T with the parameters given as name, value pairs, each value
// formatted with %v: the command-line tools' lines.
func (m *Messages) Tv(key string, kv ...any) string {
	p := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		p[fmt.Sprint(kv[i])] = fmt.Sprint(kv[i+1])
	}
	return m.T(key, p)
}

// Incident says in words why the server did not simply accept a record:
// its own sentence ("incident.<reason>") when there is one, else the
// error message of the reason's code.
func (m *Messages) Incident(reason string) string {
	if s, ok := m.m["incident."+reason]; ok {
		return s
	}
	return m.T("error."+reason, nil)
}

// Resolution says in words how the server closed the cases about a
// record: when, whether the record is paid, who decided and the note;
// "" while they are under review. The CLI and the manager's screen both
// show it under the incident.
func (m *Messages) Resolution(r *pos.IncidentResolution) string {
	if r == nil {
		return ""
	}
	outcome := m.T("incident_resolution.unpaid", nil)
	if r.Paid {
		outcome = m.T("incident_resolution.paid", nil)
	}
	p := map[string]string{"time": r.Time.In(pos.CST).Format("2006-01-02 15:04"), "outcome": outcome, "by": r.By, "note": r.Note}
	if r.By == "" {
		return m.T("incident_resolution.closed", p)
	}
	return m.T("incident_resolution.decided", p)
}

// Has reports whether the table has key.
func (m *Messages) Has(key string) bool { _, ok := m.m[key]; return ok }

// Error returns the user-facing message for err: the translation of its
// finer key (pos.Error.Key) when the table has one, else of its code, with
// its parameters.
func (m *Messages) Error(err error) string {
	if err == nil {
		return ""
	}
	code := pos.ErrorCode(err)
	if k := pos.ErrorKey(err); k != "" && m.Has("error."+code+"."+k) {
		return m.T("error."+code+"."+k, pos.ErrorParams(err))
	}
	return m.T("error."+code, pos.ErrorParams(err))
}

// Keys returns every key of the table.
func (m *Messages) Keys() []string {
	keys := make([]string, 0, len(m.m))
	for k := range m.m {
		keys = append(keys, k)
	}
	return keys
}
