package main

import (
	"context"
	"io"
	"os"
	"strconv"
	"time"

	"fupinpos/assets"
	"fupinpos/device/escpos"
	"fupinpos/device/printer"
	"fupinpos/pos"
	"fupinpos/pos/bolt"
)

// printTimeout bounds one print job: a printer that does not answer fails
// the print, never the sale.
const printTimeout = 20 * time.Second

// printed is what became of a copy that printed: whether the paper says
// 重印 (an earlier copy had printed), and whether the printer reported its
// paper near its end afterwards.
type printed struct {
	reprint, nearEnd bool
}

// printReceipt prints the receipt of ledger record seq on the printer at
// uri, in the terminal's language. A reprint is audited under actor and
// marked 重印 on the paper when an earlier copy printed; a copy that
// printed is recorded in the database (bolt.DB.MarkPrinted), so the first
// copy to reach the paper is never marked and opens the cash drawer.
func printReceipt(db *bolt.DB, seq uint64, reprint bool, uri, actor string) (printed, error) {
	rc, err := db.Receipt(seq, reprint, actor)
	if err != nil {
		return printed{}, err
	}
	p, err := printer.Open(uri)
	if err != nil {
		return printed{}, err
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), printTimeout)
	defer cancel()
	if err := p.PrintReceipt(ctx, rc, receiptLabels(db)); err != nil {
		return printed{}, err
	}
	out := printed{reprint: rc.Reprint, nearEnd: p.LastStatus().State() == printer.StatePaperNearEnd}
	return out, db.MarkPrinted(seq)
}

// sayNearEnd warns, after a copy printed, that the printer's paper is near
// its end.
func sayNearEnd(w io.Writer, pr printed) {
	if pr.nearEnd {
		say(w, "posctl.print.paper_near_end")
	}
}

// receiptLabels are the terminal's language for paper.
func receiptLabels(db *bolt.DB) escpos.Labels {
	lang := "zh_Hans"
	if cfg, err := db.Config(); err == nil && cfg.Lang != "" {
		lang = cfg.Lang
	}
	return assets.For(lang)
}

func cmdReceipt(args []string, stdout io.Writer) error {
	fs := newFlags("receipt", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	no := fs.String("no", "", "receipt number (T01-000042) or ledger seq (42)")
	uri := fs.String("printer", "", "reprint on the printer at `URI` (default: the configured printer unless --png)")
	pngPath := fs.String("png", "", "write a preview image of the receipt to `FILE` instead of printing")
	paper := fs.String("paper", "80", "paper of the preview: 58, 80 or 80-180")
	if err := parseDB(fs, args, false, dbPath, "no"); err != nil {
		return err
	}
	if err := checkDeviceFlags(*uri, ""); err != nil {
		return err
	}
	db, err := openDB(*dbPath, false)
	if err != nil {
		return err
	}
	defer db.Close()
	seq, err := strconv.ParseUint(*no, 10, 64)
	if err != nil {
		s, err := db.RecordByReceipt(*no)
		if err != nil {
			return err
		}
		seq = s.Record.Seq
	}
	if *pngPath != "" && *uri == "" {
		rc, err := db.Receipt(seq, false, actor)
		if err != nil {
			return err
		}
		prof, err := escpos.ProfileByName(*paper)
		if err != nil {
			return badFlag("paper", err)
		}
		b, err := escpos.Receipt(rc, prof, receiptLabels(db))
		if err != nil {
			return err
		}
		doc, err := escpos.Interpret(b, prof)
		if err != nil {
			return err
		}
		img, err := doc.PNG()
		if err != nil {
			return err
		}
		if err := os.WriteFile(*pngPath, img, 0o644); err != nil {
			return pos.WrapError(pos.ESTORAGE, err, "write %s", *pngPath)
		}
		say(stdout, "posctl.receipt.preview", "receipt", rc.Number, "file", *pngPath, "bytes", len(b))
		return nil
	}
	if *uri == "" {
		cfg, err := db.Config()
		if err != nil {
			return err
		}
		if *uri = cfg.Printer; *uri == "" {
			return usagef("posctl.usage_err.no_printer")
		}
	}
	pr, err := printReceipt(db, seq, true, *uri, actor)
	if err != nil {
		return err
	}
	key := "posctl.receipt.reprinted"
	if !pr.reprint {
		key = "posctl.receipt.first_copy" // the paper is not marked 重印: say so
	}
	say(stdout, key, "receipt", pos.ReceiptNumber(terminalID(db), seq), "printer", *uri)
	sayNearEnd(stdout, pr)
	return nil
}

// terminalID is the terminal's id, for messages ("" if unreadable).
func terminalID(db *bolt.DB) string {
	if cfg, err := db.Config(); err == nil {
		return cfg.Terminal
	}
	return ""
}
