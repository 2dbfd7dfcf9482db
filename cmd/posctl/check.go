package main

import (
	"fmt"
	"io"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/pos/bolt"
	"fupinpos/pos/voucher"
)

// Verdict is the stable JSON answer of posctl check --json. Scripts match
// on OK and Code; Message is in the operator's language.
type Verdict struct {
	OK        bool              `json:"ok"`
	Code      string            `json:"code"`       // "" when redeemable, else a pos error code
	Message   string            `json:"message"`    // in the operator's language (LANG)
	MessageEn string            `json:"message_en"` // always English, for logs and scripts
	Params    map[string]string `json:"params,omitempty"`
	Voucher   *VoucherInfo      `json:"voucher,omitempty"` // only when the signature verified
}

// VoucherInfo is what a verified voucher says.
type VoucherInfo struct {
	ID        string    `json:"id"`
	Campaign  uint16    `json:"campaign"`
	Unit      uint32    `json:"unit"`
	UnitName  string    `json:"unit_name"`
	Value     pos.Money `json:"value"` // fen
	ValueText string    `json:"value_text"`
	Holder    string    `json:"holder"`
	NotBefore string    `json:"not_before"` // RFC 3339, China Standard Time (jsonTime)
	NotAfter  string    `json:"not_after"`
}

func cmdCheck(args []string, stdout io.Writer) error {
	fs := newFlags("check", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	asJSON := fs.Bool("json", false, "print a JSON verdict")
	if err := parse(fs, args, true); err != nil {
		return err
	}
	if err := require(fs, "db"); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("posctl.usage_err.one_code")
	}
	db, err := openDB(*dbPath, false)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.Check(fs.Arg(0))
	vd := verdict(db, fs.Arg(0), v, err)
	if *asJSON {
		if err := printJSON(stdout, vd); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(stdout, vd.Message)
		if vd.Voucher != nil {
			vi := vd.Voucher
			fmt.Fprintf(stdout, "  %s %s  %s %s  %s %s\n", msgs().T("label.voucher", nil), vi.ID,
				msgs().T("label.value", nil), vi.ValueText, msgs().T("label.unit", nil), vi.UnitName)
			fmt.Fprintf(stdout, "  %s %s\n", msgs().T("label.valid_until", nil), cst(mustTime(vi.NotAfter)))
		}
		if !vd.OK {
			fmt.Fprintf(stdout, "  [%s]\n", vd.Code)
		}
	}
	switch {
	case vd.OK:
		return nil
	case vd.Code == pos.EINTERNAL || vd.Code == pos.ESTORAGE || vd.Code == pos.ENOTPROVISIONED:
		return err
	}
	return errRefused
}

// verdict turns the Check of code into the answer shown to the operator.
func verdict(db *bolt.DB, code string, v *pos.Voucher, err error) Verdict {
	m := msgs()
	if err != nil {
		en := assets.For("en")
		vd := Verdict{Code: pos.ErrorCode(err), Message: m.T("verdict.refused_because", map[string]string{"reason": m.Error(err)}),
			MessageEn: en.T("verdict.refused_because", map[string]string{"reason": en.Error(err)}), Params: pos.ErrorParams(err)}
		// Tell the operator which voucher it was when the signature is good.
		if tl, terr := db.Trust(); terr == nil {
			if good, verr := voucher.Verify(code, tl); verr == nil {
				vd.Voucher = info(good, tl)
			}
		}
		return vd
	}
	tl, _ := db.Trust()
	return Verdict{OK: true, Message: m.T("verdict.ok", nil), MessageEn: assets.For("en").T("verdict.ok", nil), Voucher: info(v, tl)}
}

func info(v *pos.Voucher, tl *pos.TrustList) *VoucherInfo {
	name := ""
	if tl != nil {
		name = tl.UnitName(v.Unit)
	}
	return &VoucherInfo{ID: v.ID().String(), Campaign: v.Campaign, Unit: v.Unit, UnitName: name, Value: v.Value,
		ValueText: v.Value.String(), Holder: v.Holder.String(), NotBefore: jsonTime(v.NotBefore), NotAfter: jsonTime(v.NotAfter)}
}
