package main

import (
	"io"
	"strconv"
	"strings"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/report"
	"fupinpos/pos/voucher"
	"fupinpos/sync/wire"
)

func cmdTerminal(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usagef("voucherd.usage_err.terminal_sub")
	}
	switch args[0] {
	case "add":
		return cmdTerminalAdd(args[1:], stdout)
	case "list":
		return cmdTerminalList(args[1:], stdout)
	case "disable":
		return cmdTerminalDisable(args[1:], stdout)
	}
	return usagef("voucherd.usage_err.terminal_unknown", "sub", args[0])
}

func cmdTerminalAdd(args []string, stdout io.Writer) error {
	fs := newFlags("terminal add", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init")
	store := fs.String("store", "", "`STORE` id the terminal sells for (e.g. HF-001)")
	name := fs.String("name", "", "terminal `NAME`, also its id, unique on this server (e.g. HF-001-T01)")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the enrollment code works")
	api, closeFn, err := parseAdmin(fs, args, dir, "store", "name")
	if err != nil {
		return err
	}
	defer closeFn()
	resp, err := api.AddTerminal(wire.AddTerminalRequest{Store: *store, Name: *name, TTL: pos.Duration(*ttl)})
	if err != nil {
		return err
	}
	say(stdout, "voucherd.terminal.added", "terminal", resp.Terminal.ID, "store", resp.Terminal.Store)
	say(stdout, "voucherd.terminal.code", "code", resp.Code)
	say(stdout, "voucherd.terminal.expires", "time", resp.Expires.In(pos.CST).Format(time.DateTime))
	return nil
}

func cmdTerminalList(args []string, stdout io.Writer) error {
	fs := newFlags("terminal list", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init")
	api, closeFn, err := parseAdmin(fs, args, dir)
	if err != nil {
		return err
	}
	defer closeFn()
	ts, err := api.Terminals()
	if err != nil {
		return err
	}
	tb := report.Table{Align: "llllrrl"}
	tb.Row(strings.Split(tr("voucherd.terminal.head"), "\t")...)
	for _, t := range ts {
		key, seen := "-", "-"
		if len(t.Public) > 0 {
			key = voucher.Fingerprint(t.Public)
		}
		if !t.LastSeen.IsZero() {
			seen = t.LastSeen.In(pos.CST).Format(time.DateTime)
		}
		tb.Row(t.ID, t.Store, t.State, key, strconv.Itoa(t.Records), strconv.FormatUint(t.HeadSeq, 10), seen)
	}
	return tb.Write(stdout)
}

func cmdTerminalDisable(args []string, stdout io.Writer) error {
	fs := newFlags("terminal disable", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init")
	id := fs.String("terminal", "", "terminal `ID`")
	reason := fs.String("reason", "", "why, for the log")
	api, closeFn, err := parseAdmin(fs, args, dir, "terminal")
	if err != nil {
		return err
	}
	defer closeFn()
	t, err := api.DisableTerminal(wire.DisableRequest{Terminal: *id, Reason: *reason})
	if err != nil {
		return err
	}
	say(stdout, "voucherd.terminal.disabled", "terminal", t.ID)
	return nil
}
