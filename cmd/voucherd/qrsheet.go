package main

import (
	"fmt"
	"html/template"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
	"fupinpos/sync/server"
	"fupinpos/sync/wire"
)

// qrModule is the pixel size of one QR module in the PNGs: at 300 dpi a
// version-7 symbol at 6 px per module is about 2.3 cm, easy for any scanner.
const qrModule = 6

// writeQRSheet writes <id>.png per voucher (QR numeric mode, error
// correction Q for paper) and index.html, an A4 sheet to print and cut.
func writeQRSheet(dir string, resp *wire.IssueResponse) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create QR folder: %w", err)
	}
	type card struct {
		File, ID, Unit, Value, Campaign, Until, Member string
	}
	var cards []card
	d := &server.Deployment{Campaigns: []pos.Campaign{resp.Campaign}, Units: resp.Units}
	for _, v := range resp.Issued {
		code, err := qr.Encode(voucher.QRContent(v.Code), qr.Q, qr.Numeric)
		if err != nil {
			return fmt.Errorf("QR for %s: %w", v.ID, err)
		}
		side := code.Bounds().Dx() * qrModule
		scaled, err := barcode.Scale(code, side, side)
		if err != nil {
			return err
		}
		name := strings.ReplaceAll(v.ID.String(), "-", "_") + ".png"
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := png.Encode(f, withQuietZone(scaled, 4*qrModule)); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		c := card{File: name, ID: v.ID.String(), Value: v.Value.String(), Member: maskMember(v.Member)}
		if u := d.Unit(v.Unit); u != nil {
			c.Unit = u.Name
		}
		if camp := d.Campaign(v.ID.Campaign()); camp != nil {
			c.Campaign, c.Until = camp.Name, pos.DayOf(camp.RedeemUntil)
		}
		cards = append(cards, c)
	}
	f, err := os.Create(filepath.Join(dir, "index.html"))
	if err != nil {
		return err
	}
	defer f.Close()
	return sheet.Execute(f, cards)
}

func maskMember(m string) string {
	r := []rune(m)
	if len(r) <= 2 {
		return "**"
	}
	return string(r[:1]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1:])
}

var sheet = template.Must(template.New("sheet").Parse(`<!DOCTYPE html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>抗疫扶贫消费券</title>
<style>
body{font-family:"Noto Sans CJK SC","Droid Sans Fallback",sans-serif;margin:1cm}
.card{display:inline-block;width:8.5cm;border:1px dashed #999;margin:.2cm;padding:.3cm;vertical-align:top;page-break-inside:avoid}
.card img{width:4.5cm;float:left;margin-right:.3cm}.v{font-size:20pt;font-weight:bold;color:#b00}
.n{font-size:8pt;color:#555;clear:both;padding-top:.2cm}
</style></head><body>
{{range .}}<div class="card"><img src="{{.File}}" alt="{{.ID}}">
<div>{{.Campaign}}</div><div class="v">{{.Value}}</div><div>{{.Unit}}</div><div>编号 {{.ID}}</div><div>持券人 {{.Member}}</div><div>有效期至 {{.Until}}</div>
<div class="n">仅限扶贫专区购买扶贫产品 · 本券不找零、不兑换现金 · 一券一码，扫码核销</div></div>
{{end}}</body></html>
`))
