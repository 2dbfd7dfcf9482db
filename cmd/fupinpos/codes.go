//go:build demo

package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"sync"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
)

// codeBook holds demo voucher codes issued by voucherd (its codes.csv:
// id,member,unit,value_fen,code), handed out one at a time so the demo
// panel and the scripted session "scan" real signed vouchers.
type codeBook struct {
	mu    sync.Mutex
	codes []bookCode
	last  string
}

type bookCode struct {
	value pos.Money
	code  string
	used  bool
}

func readCodeBook(path string) (*codeBook, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read codes %s: %w", path, err)
	}
	b := &codeBook{}
	for _, r := range rows {
		if len(r) < 5 {
			continue
		}
		v, err := strconv.ParseInt(r[3], 10, 64)
		if err != nil {
			continue // the header
		}
		b.codes = append(b.codes, bookCode{value: pos.Money(v), code: r[4]})
	}
	if len(b.codes) == 0 {
		return nil, fmt.Errorf("read codes %s: no codes", path)
	}
	return b, nil
}

// Next returns an unused code of value (any value when 0), or "".
func (b *codeBook) Next(value pos.Money) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := range b.codes {
		c := &b.codes[i]
		if !c.used && (value == 0 || c.value == value) {
			c.used = true
			b.last = c.code
			return c.code
		}
	}
	return ""
}

// Values lists the face values still available, for the demo panel.
func (b *codeBook) Values() []pos.Money {
	b.mu.Lock()
	defer b.mu.Unlock()
	seen := map[pos.Money]bool{}
	var out []pos.Money
	for _, c := range b.codes {
		if !c.used && !seen[c.value] {
			seen[c.value] = true
			out = append(out, c.value)
		}
	}
	return out
}

// Last is the code handed out last: scanning it again is "used twice".
func (b *codeBook) Last() string { b.mu.Lock(); defer b.mu.Unlock(); return b.last }

// Forge returns a real code with one digit of its signature changed, as a
// forger who edits a photographed code would make.
func (b *codeBook) Forge() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	good := b.codes[len(b.codes)-1].code
	for i := len(good) - 2; i > 4; i-- {
		c := []byte(good)
		c[i] = '0' + (c[i]-'0'+1)%10
		if _, err := voucher.Decode(string(c)); err == nil {
			return string(c) // well-formed, so only the signature can refuse it
		}
	}
	return good[:len(good)-1]
}
