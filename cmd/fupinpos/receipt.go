package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fupinpos/assets"
	"fupinpos/device/escpos"
	"fupinpos/pos"
	"fupinpos/pos/report"
)

// layoutReceipt turns a receipt into ESC/POS bytes for profile p.
// It is the app's stopgap until device/escpos.Receipt lands; the layout
// follows the same order: header, lines, vouchers, totals, audit QR.
func layoutReceipt(r *pos.Receipt, p escpos.Profile) ([]byte, error) {
	w := escpos.NewWriter(p)
	w.Init()
	w.Align(escpos.AlignCenter)
	w.Bold(true)
	w.Size(1, 2)
	w.Line(r.StoreName)
	w.Size(1, 1)
	w.Line("扶贫专区 消费券")
	if r.Reprint {
		w.Line("** 补打 REPRINT **")
	}
	if r.Kind == pos.KindVoid {
		w.Line("** 作废 VOID " + r.Voids + " **")
	}
	w.Bold(false)
	w.Align(escpos.AlignLeft)
	w.Line("小票 " + r.Number)
	w.Line(r.Time.In(pos.CST).Format("2006-01-02 15:04:05") + " 收银 " + r.Cashier)
	w.Line("")
	for _, l := range r.Lines {
		w.Lines(escpos.LeftRight(l.Name, fmt.Sprintf("%d%s %s", l.Qty, l.Unit, l.Amount()), p.Columns))
	}
	for _, v := range r.Vouchers {
		w.Lines(escpos.LeftRight("券 "+v.Masked, v.Applied.String(), p.Columns))
	}
	w.Bold(true)
	w.Lines(escpos.LeftRight("合计", r.Total.String(), p.Columns))
	w.Bold(false)
	w.Lines(escpos.LeftRight("消费券支付", r.VoucherAmount.String(), p.Columns))
	if r.Forfeited != 0 {
		w.Lines(escpos.LeftRight("不找零作废", r.Forfeited.String(), p.Columns))
	}
	w.Lines(escpos.LeftRight("自付", r.SelfPaid.String(), p.Columns))
	if r.AuditCode != "" {
		w.Align(escpos.AlignCenter)
		w.QR(r.AuditCode, escpos.ECMedium)
	}
	w.Feed(3)
	w.Cut()
	return w.Bytes()
}

// receiptPrinter sends receipts to a printer URI: tcp://host:port?paper=80
// or file:///dir (each receipt's bytes and PNG written there, for the demo).
type receiptPrinter struct {
	mu      sync.Mutex
	uri     *url.URL
	profile escpos.Profile
	n       int
	state   string
	silent  bool
}

func newReceiptPrinter(uri string) (*receiptPrinter, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return nil, err
	}
	paper := u.Query().Get("paper")
	if paper == "" {
		paper = "80"
	}
	p, err := escpos.ProfileByName(paper)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "tcp", "file":
	default:
		return nil, fmt.Errorf("printer URI %q: want tcp://host:port or file:///dir", uri)
	}
	return &receiptPrinter{uri: u, profile: p, state: "unknown"}, nil
}

// PrintReceipt lays out and sends one receipt.
func (p *receiptPrinter) PrintReceipt(r *pos.Receipt) error {
	b, err := layoutReceipt(r, p.profile)
	if err != nil {
		return err
	}
	return p.send(b, "receipt-"+r.Number)
}

// State is the printer's last known state for the status bar.
func (p *receiptPrinter) State() string { p.mu.Lock(); defer p.mu.Unlock(); return p.state }

// send delivers bytes to the printer; for file:// it also writes the PNG
// the printer would have printed.
func (p *receiptPrinter) send(b []byte, name string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if p.silent {
		return nil
	}
	switch p.uri.Scheme {
	case "file":
		base := filepath.Join(p.uri.Path, fmt.Sprintf("%03d-%s", p.n, name))
		if err := os.WriteFile(base+".bin", b, 0o644); err != nil {
			return err
		}
		png, err := render(b, p.profile)
		if err != nil {
			return err
		}
		p.state = "ok"
		return os.WriteFile(base+".png", png, 0o644)
	default:
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", p.uri.Host)
		if err != nil {
			p.state = "offline"
			return pos.WrapError(pos.EPRINTEROFFLINE, err, "printer %s", p.uri.Host)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write(b); err != nil {
			p.state = "offline"
			return pos.WrapError(pos.EPRINTEROFFLINE, err, "printer %s", p.uri.Host)
		}
		p.state = "ok"
		return nil
	}
}

func render(b []byte, prof escpos.Profile) ([]byte, error) {
	doc, err := escpos.Interpret(b, prof)
	if err != nil {
		return nil, err
	}
	return doc.PNG()
}

// PreviewReceipt renders the bytes the printer would get for r.
func (p *receiptPrinter) PreviewReceipt(r *pos.Receipt) ([]byte, error) {
	b, err := layoutReceipt(r, p.profile)
	if err != nil {
		return nil, err
	}
	return render(b, p.profile)
}

// PrintZReport prints the day's closing report.
func (p *receiptPrinter) PrintZReport(d *report.Day) error {
	var buf bytes.Buffer
	if err := report.WriteText(&buf, d, func(k string) string { return assets.For("zh_Hans").T(k, nil) }); err != nil {
		return err
	}
	w := escpos.NewWriter(p.profile)
	w.Init()
	w.Align(escpos.AlignCenter)
	w.Bold(true)
	w.Line("Z " + d.Day)
	w.Bold(false)
	w.Align(escpos.AlignLeft)
	for _, l := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		w.Lines(escpos.Wrap(l, p.profile.Columns))
	}
	w.Feed(3)
	w.Cut()
	b, err := w.Bytes()
	if err != nil {
		return err
	}
	return p.send(b, "z-"+d.Day)
}

// TestPrint prints a test page and returns its preview.
func (p *receiptPrinter) TestPrint() ([]byte, error) {
	w := escpos.NewWriter(p.profile)
	w.Init()
	w.Align(escpos.AlignCenter)
	w.Bold(true)
	w.Line("打印测试 TEST")
	w.Bold(false)
	w.Line(p.profile.String())
	w.Line(strings.Repeat("1234567890", 5)[:p.profile.Columns])
	w.Line("扶贫专区 ￥300.00")
	w.QR("fupinpos test", escpos.ECMedium)
	w.Feed(3)
	w.Cut()
	b, err := w.Bytes()
	if err != nil {
		return nil, err
	}
	if err := p.send(b, "test"); err != nil {
		return nil, err
	}
	return render(b, p.profile)
}

// quiet makes the printer lay out receipts but not send them (the smoke
// run's 1,000 bulk sales would otherwise write 1,000 images).
func (p *receiptPrinter) quiet(on bool) { p.mu.Lock(); p.silent = on; p.mu.Unlock() }
