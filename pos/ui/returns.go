package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"fupinpos/pos"
)

// ReturnFunc carries out a return (退货) of items of the sale with receipt
// number sale (of this terminal or another of the store) approved by a
// manager: it asks the central server to agree and records the return
// record, and returns its seq (the app wires it to sync/client's
// Client.ReturnSale on the terminal database). It runs off the UI
// goroutine and may take as long as the network does.
type ReturnFunc func(sale string, items []pos.ReturnItem, managerID, managerPIN, reason string) (uint64, error)

// SaleLookupFunc finds the sale with receipt number no at the central
// server, of any terminal of the store, with the returns agreed against
// it anywhere (the app wires it to sync/client's Client.LookupSale). It
// runs off the UI goroutine.
type SaleLookupFunc func(no string) (*pos.SaleReturns, error)

// returnLine is one product of a sale in the return dialog: sold, and
// left to take back after earlier returns (可退).
type returnLine struct {
	sku, name  string
	sold, left int64
	qty        *KeyEntry
}

// openReturn finds the sale with receipt number no and opens its return
// dialog: at the central server when the terminal has one (LookupSale: a
// sale of any terminal of the store, with the returns agreed at every
// terminal), off the UI goroutine; else in this terminal's ledger. An
// answer that comes after the manager left the screen opens nothing.
func (m *Manager) openReturn(no string) {
	if m.noServer() {
		return
	}
	if m.LookupSale == nil {
		sr, err := m.store.ReturnSale(no)
		if err != nil {
			m.Message.SetText(m.returnError(err))
			return
		}
		m.askReturn(sr)
		return
	}
	m.Message.SetText(m.tr.T("ui.return.looking", "receipt", no))
	look := m.LookupSale
	go func() {
		sr, err := look(no)
		fyne.Do(func() {
			defer m.done()
			if m.win != nil && m.win.Content() != m.root {
				return // the manager left the screen (logout, idle lock) meanwhile
			}
			if err != nil {
				m.Message.SetText(m.returnError(err))
				return
			}
			m.Message.SetText("")
			m.askReturn(sr)
		})
	}()
}

// askReturn opens the return dialog of sale sr: per product the quantity
// sold and what is left to take back after earlier returns (可退 N), an
// entry for the quantity (empty = none back; it never holds more than is
// left, and a product with nothing left is disabled), the reason, and the
// manager's id and PIN. A sale with nothing left says so instead. The PIN
// is checked at once (the dialog stays open on a wrong one); the server's
// part runs after the dialog closed (RunReturn).
func (m *Manager) askReturn(sr *pos.SaleReturns) {
	r := sr.Sale
	left, err := sr.Returnable()
	if err != nil {
		m.Message.SetText(m.tr.Err(err))
		return
	}
	var lines []*returnLine
	seen := map[string]*returnLine{}
	some := false
	for _, l := range r.Lines {
		if rl := seen[l.SKU]; rl != nil {
			rl.sold += l.Qty
			continue
		}
		rl := &returnLine{sku: l.SKU, name: l.Name, left: left[l.SKU], sold: l.Qty, qty: NewKeyEntry(m.win)}
		rl.qty.SetPlaceHolder("0")
		rl.qty.OnChanged = rl.clamp
		if rl.left <= 0 {
			rl.qty.Disable()
		} else {
			some = true
		}
		seen[l.SKU] = rl
		lines = append(lines, rl)
	}
	if !some {
		m.Message.SetText(m.tr.T("ui.return.all_back", "receipt", r.Receipt))
		return
	}
	var items []*widget.FormItem
	for _, rl := range lines {
		fi := widget.NewFormItem(rl.name, rl.qty)
		fi.HintText = m.tr.T("ui.return.left", "sold", strconv.FormatInt(rl.sold, 10), "left", strconv.FormatInt(rl.left, 10))
		items = append(items, fi)
	}
	reason := NewKeyEntry(m.win)
	reason.SetPlaceHolder(m.tr.T("ui.return.reason"))
	id, pin, approve := approval(m.tr, m.win, m.user.ID)
	items = append(items, widget.NewFormItem(m.tr.T("ui.return.reason"), reason))
	items = append(items, approve...)
	d := FormModal(m.tr, m.win, "manager-return", m.tr.T("ui.manager.return")+" "+r.Receipt, items, func() string {
		want, msg := m.returnItems(lines)
		if msg != "" {
			return msg
		}
		if strings.TrimSpace(reason.Text) == "" {
			return m.tr.T("ui.return.reason_needed")
		}
		if _, err := m.store.Authorize(id.Text, pin.Text, pos.RoleManager); err != nil {
			return m.tr.Err(err)
		}
		m.RunReturn(r.Receipt, want, id.Text, pin.Text, strings.TrimSpace(reason.Text), nil)
		return ""
	})
	if d != nil && m.win != nil {
		for _, rl := range lines {
			if !rl.qty.Disabled() {
				m.win.Canvas().Focus(rl.qty)
				break
			}
		}
	}
}

// clamp keeps the quantity typed within what is left to take back: a
// number above it becomes it.
func (rl *returnLine) clamp(text string) {
	n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
	if err == nil && n > rl.left {
		rl.qty.SetText(strconv.FormatInt(rl.left, 10))
	}
}

// AskReturnByReceipt asks for the receipt number of the sale whose goods
// come back (typed, or the receipt's audit QR code scanned: FPR1:NO:…) and
// opens its return dialog (openReturn). A number of this terminal that its
// ledger does not hold as a returnable sale keeps the dialog open with the
// reason; a number of another terminal of the store is looked up at the
// central server, and without one the dialog says it is needed.
func (m *Manager) AskReturnByReceipt() {
	if m.noServer() {
		return
	}
	no := NewKeyEntry(m.win)
	no.SetPlaceHolder("T01-000042")
	var found string
	d := FormModal(m.tr, m.win, "manager-return-receipt", m.tr.T("ui.manager.return"), []*widget.FormItem{
		widget.NewFormItem(m.tr.T("receipt.returns"), no)}, func() string {
		n := ReceiptOfScan(no.Text)
		_, err := m.store.ReturnSale(n)
		if err != nil && !(pos.ErrorCode(err) == pos.EOtherTerminal && m.LookupSale != nil) {
			return m.returnError(err)
		}
		found = n
		return ""
	})
	if d == nil {
		return
	}
	if m.win != nil {
		m.win.Canvas().Focus(no)
	}
	d.SetOnClosed(func() {
		if found != "" {
			m.openReturn(found)
		}
	})
}

// ReceiptOfScan returns the receipt number in text: the number itself, or
// the one inside a receipt's audit QR payload (pos.AuditCode, FPR1:NO:HASH).
func ReceiptOfScan(text string) string {
	if no, ok := pos.ReceiptOfAuditCode(text); ok {
		return no
	}
	return strings.TrimSpace(text)
}

// returnItems reads the quantities of the dialog, or says what is wrong.
func (m *Manager) returnItems(lines []*returnLine) ([]pos.ReturnItem, string) {
	var out []pos.ReturnItem
	for _, rl := range lines {
		t := strings.TrimSpace(rl.qty.Text)
		if t == "" || t == "0" {
			continue
		}
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n <= 0 {
			return nil, m.tr.T("ui.return.bad_qty", "sku", rl.name)
		}
		if n > rl.left {
			return nil, m.tr.T("ui.return.over", "sku", rl.name, "left", strconv.FormatInt(rl.left, 10))
		}
		out = append(out, pos.ReturnItem{SKU: rl.sku, Qty: n})
	}
	if len(out) == 0 {
		return nil, m.tr.T("ui.return.none")
	}
	return out, ""
}

// RunReturn asks the server to agree to the return through m.Return, off
// the UI goroutine; on the UI goroutine it then prints the return slip,
// reloads the day and says what was refunded and what became of the
// voucher value (or why nothing was recorded), and calls done (tests)
// with the error.
func (m *Manager) RunReturn(sale string, items []pos.ReturnItem, id, pin, reason string, done func(error)) {
	if m.noServer() {
		if done != nil {
			done(pos.Errorf(pos.ENOTPROVISIONED, "no central server configured"))
		}
		return
	}
	m.Message.SetText(m.tr.T("ui.return.asking"))
	ret := m.Return
	go func() {
		seq, err := ret(sale, items, id, pin, reason)
		fyne.Do(func() {
			defer m.done()
			m.returned(seq, err)
			if done != nil {
				done(err)
			}
		})
	}()
}

// returned shows the outcome of a return on the UI goroutine.
func (m *Manager) returned(seq uint64, err error) {
	if err != nil {
		m.Message.SetText(m.returnError(err))
		return
	}
	rc, err := m.store.Receipt(seq, false, m.user.ID)
	if err != nil {
		m.Load()
		m.Message.SetText(m.tr.Err(err))
		return
	}
	method := m.tr.T("pay." + string(rc.Method))
	if rc.Method == pos.PayNone {
		method = "-"
	}
	msg := m.tr.T("ui.return.done", "receipt", rc.Number, "refund", rc.SelfPaid.String(), "method", method,
		"reinstated", rc.Reinstated.String(), "forfeited", rc.ReturnForfeited.String())
	if m.dev != nil {
		if err := m.dev.PrintReceipt(rc); err != nil {
			msg += " · " + m.tr.Err(err)
		} else if err := m.store.MarkPrinted(seq); err != nil {
			msg += " · " + m.tr.Err(err)
		}
	}
	m.Load()
	m.Message.SetText(msg)
}

// noServer reports whether the terminal has no central server to agree
// to a return (not enrolled: m.Return is nil), and then says so before the
// manager fills in anything: a dialog and the screen's message say that a
// return needs the central server online and what to do (the screen said
// only 本机尚未配置，请联系技术员, in grey at its foot).
func (m *Manager) noServer() bool {
	if m.Return != nil {
		return false
	}
	msg := m.tr.T("ui.return.no_server")
	m.Message.SetText(msg)
	if m.win != nil {
		text := widget.NewLabel(msg)
		text.Wrapping = fyne.TextWrapWord
		text.Importance = widget.DangerImportance
		d := dialog.NewCustom(m.tr.T("ui.manager.return"), m.tr.T("ui.ok"),
			container.NewGridWrap(fyne.NewSize(420, text.MinSize().Height*3), text), m.win)
		ShowModal(m.win, "manager-return-no-server", d, d.Hide)
	}
	return true
}

// returnError says why a return was not recorded, in the words a manager
// needs: the server is needed, a sent return waits, sync first, too many.
func (m *Manager) returnError(err error) string {
	p := pos.ErrorParams(err)
	switch pos.ErrorCode(err) {
	case pos.ESERVEROFFLINE, pos.ESERVERREFUSED:
		return m.tr.T("ui.return.offline")
	case pos.EReturnPending:
		return m.tr.T("ui.return.pending", "receipt", p["receipt"])
	case pos.ESYNC:
		return m.tr.T("ui.return.sync")
	case pos.EReturnElsewhere:
		return m.tr.T("ui.return.elsewhere", "receipt", p["receipt"], "store", p["store"])
	case pos.ECONFLICT:
		if p["sku"] != "" {
			return m.tr.T("ui.return.over", "sku", p["sku"], "left", p["left"])
		}
	}
	return m.tr.Err(err)
}
