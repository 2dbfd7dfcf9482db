package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"fupinpos/assets"
	"fupinpos/pos"
	"fupinpos/pos/voucher"
	"fupinpos/sync/server"
)

func cmdInit(args []string, stdout io.Writer) error {
	fs := newFlags("init", stdout)
	dir := fs.String("data", "", "data `DIR` to create (keys, database)")
	db := dbFlag(fs)
	demo := fs.Bool("demo", false, "move the campaign windows to include today (for demos and training)")
	now := nowFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := require(fs, "data"); err != nil {
		return err
	}
	// Open the storage first: a refused --db (schema not migrated) leaves
	// no keys behind.
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	st, err := openStore(*dir, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	// A database that already holds a deployment is never taken over:
	// new keys over it would give every member a second cap under a new
	// holder secret and orphan the vouchers and terminals of the old keys.
	if d, err := st.Deployment(); err == nil && !d.Empty() {
		return errDeployed(d)
	} else if err != nil && pos.ErrorCode(err) != pos.ENOTFOUND {
		return err
	}
	keys, err := server.NewKeyring(*dir)
	if err != nil {
		return err
	}
	camp, err := assets.DemoCampaign()
	if err != nil {
		return err
	}
	if *demo {
		shiftToToday(camp, now())
	}
	units, err := assets.DemoUnits()
	if err != nil {
		return err
	}
	cat, err := assets.DemoCatalogue()
	if err != nil {
		return err
	}
	cat.IssuedAt = now().Truncate(time.Second)
	ipub := keys.IssuerPublic()
	err = st.UpdateDeployment(func(d *server.Deployment) error {
		if !d.Empty() { // another init got there first
			return errDeployed(d)
		}
		d.Root = keys.RootPublic()
		d.Campaigns = []pos.Campaign{*camp}
		d.Units = units
		d.Catalogue = *cat
		d.Keys = []pos.IssuerKey{{
			ID: pos.KeyIDOf(ipub), Public: ipub, Campaigns: []uint16{camp.ID},
			IssueFrom: camp.IssueFrom, IssueUntil: camp.IssueUntil,
		}}
		return nil
	})
	if pos.ErrorCode(err) == pos.ECONFLICT {
		for _, f := range []string{server.RootKeyFile, server.RootPubFile, server.IssuerKeyFile, server.HolderKeyFile} {
			os.Remove(filepath.Join(*dir, f))
		}
		return err
	}
	if err != nil {
		return fmt.Errorf("store deployment: %w", err)
	}
	say(stdout, "voucherd.init.done", "data", *dir)
	say(stdout, "voucherd.init.campaign", "id", camp.ID, "name", camp.Name, "issue_from", pos.DayOf(camp.IssueFrom),
		"issue_until", pos.DayOf(camp.IssueUntil), "redeem_from", pos.DayOf(camp.RedeemFrom), "redeem_until", pos.DayOf(camp.RedeemUntil),
		"cap", camp.Cap, "excess", tr("voucherd.excess."+string(camp.Excess)))
	say(stdout, "voucherd.init.catalogue", "version", cat.Version, "products", len(cat.Products), "units", len(units))
	say(stdout, "voucherd.init.root_pub", "file", filepath.Join(*dir, server.RootPubFile))
	say(stdout, "voucherd.root_fingerprint", "fingerprint", voucher.Fingerprint(keys.RootPublic()))
	token, _, err := server.AdminToken(*dir)
	if err != nil {
		return err
	}
	say(stdout, "voucherd.init.admin_token", "file", filepath.Join(*dir, server.AdminTokenFile), "token", token)
	return nil
}

// shiftToToday moves the campaign's windows so that today (CST) is inside
// both: issue from a week ago for 30 days, redeem until 60 days from now.
func shiftToToday(c *pos.Campaign, now time.Time) {
	today, _ := pos.ParseDay(pos.DayOf(now))
	c.IssueFrom = today.AddDate(0, 0, -7)
	c.RedeemFrom = c.IssueFrom
	c.IssueUntil = today.AddDate(0, 0, 31).Add(-time.Second)
	c.RedeemUntil = today.AddDate(0, 0, 61).Add(-time.Second)
	c.Name += "（演示）"
	if c.NameEn != "" {
		c.NameEn += " (demo)"
	}
}

// errDeployed refuses init on a database that already holds deployment d.
func errDeployed(d *server.Deployment) error {
	fp := d.Fingerprint()
	if fp == "" {
		fp = "?"
	}
	return pos.Errorf(pos.ECONFLICT, "the database already holds a deployment (root %s); refusing to replace it", fp).
		Say("deployed", "db_fp", fp)
}
