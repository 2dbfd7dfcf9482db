package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

// defaultLockWait is how long posctl waits for the app to release the
// database file before giving up with pos.EBUSY. bbolt locks the file
// exclusively for as long as the app has it open, so waiting longer only
// delays the answer.
const defaultLockWait = time.Second

// actor names who ran a posctl command in the audit log.
const actor = "posctl"

// itemsFlag collects repeated --item SKU:QTY flags.
type itemsFlag []bolt.Item

func (f *itemsFlag) String() string {
	parts := make([]string, len(*f))
	for i, it := range *f {
		parts[i] = it.SKU + ":" + strconv.FormatInt(it.Qty, 10)
	}
	return strings.Join(parts, " ")
}

func (f *itemsFlag) Set(s string) error {
	sku, qty, ok := strings.Cut(s, ":")
	if !ok {
		qty = "1"
	}
	n, err := strconv.ParseInt(qty, 10, 64)
	if sku == "" || err != nil || n <= 0 {
		return fmt.Errorf("item %q: want SKU:QTY with a positive quantity", s)
	}
	*f = append(*f, bolt.Item{SKU: sku, Qty: n})
	return nil
}

// printJSON writes v as indented JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// payLabel is the operator's word for a payment method.
func payLabel(m pos.PayMethod) string {
	if m == pos.PayNone {
		return "-"
	}
	return msgs().T("pay."+string(m), nil)
}

// cst formats t as China Standard Time.
func cst(t time.Time) string { return t.In(pos.CST).Format(time.DateTime) }

// jsonTime is how every --json answer writes a time: RFC 3339 in China
// Standard Time (2020-08-20T14:30:00+08:00), as ledger list does; "" for
// none.
func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(pos.CST).Format(time.RFC3339)
}
