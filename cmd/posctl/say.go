package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"fupinpos/pos"
)

// tr returns the translation of key (in the language of LANG) with its
// parameters given as name, value pairs.
func tr(key string, kv ...any) string { return msgs().Tv(key, kv...) }

// say prints the translated line key (see tr) to w.
func say(w io.Writer, key string, kv ...any) {
	fmt.Fprintln(w, tr(key, kv...))
}

// usagef returns a usage error (exit status 2) whose message is the
// translation of key.
func usagef(key string, kv ...any) error { return msgs().Usage(key, kv...) }

// badFlag is the usage error for a flag whose value err refused, in words.
func badFlag(name string, err error) error {
	return usagef("posctl.usage_err.flag", "flag", name, "why", msgs().Error(err))
}

// errorText is the operator's line for err (assets.Messages.Error), with
// what a cashier or manager can do about a PIN refused: the tries left
// before the lockout, and when a lockout ends (CST).
func errorText(err error) string {
	p := pos.ErrorParams(err)
	switch pos.ErrorCode(err) {
	case pos.EBADPIN:
		if n := p["remaining"]; n != "" {
			return tr("posctl.bad_pin.remaining", "n", n, "minutes", int(pos.LockoutDuration/time.Minute))
		}
	case pos.ELOCKED:
		if until := p["until"]; until != "" {
			return tr("posctl.locked.until", "until", until)
		}
	}
	return msgs().Error(err)
}

// errorDetail is the line under a coded error's message: its English
// detail (the code, what failed, the cause) under an English LANG. In
// another language, a cause from outside posctl's own errors — the
// system's or the network's words, which have no translation (dial tcp
// …: connection refused) — when there is one; else nothing when the
// message says every fact the error carries (each of its parameters: the
// receipt, the time, the tries left, the file), and the English detail
// only when it says more than the message (a bare code's general words).
func errorDetail(err error) string {
	var e *pos.Error
	if msgs().Lang == "en" || !errors.As(err, &e) {
		return err.Error()
	}
	for cause := e.Err; cause != nil; {
		next, ours := cause.(*pos.Error)
		if !ours {
			return tr("posctl.error.cause", "cause", cause.Error())
		}
		cause = next.Err
	}
	if saysAll(errorText(err), e) {
		return ""
	}
	return err.Error()
}

// saysAll reports whether msg, the operator's message for e, states every
// parameter of e and e has some (or a finer key): a bare code's message
// is too general to stand without the detail.
func saysAll(msg string, e *pos.Error) bool {
	if len(e.Params) == 0 && e.Key == "" {
		return false
	}
	for _, v := range e.Params {
		if v != "" && !strings.Contains(msg, v) {
			return false
		}
	}
	return true
}
