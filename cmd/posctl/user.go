package main

import (
	"io"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/report"
)

func cmdUserAdd(args []string, stdout io.Writer) error {
	return userAdd(args, stdout, io.Discard)
}

// userAdd adds a user and warns on stderr when the name holds characters
// the receipt printer cannot print as text.
func userAdd(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("user add", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	id := fs.String("id", "", "user `ID` (the login number)")
	name := fs.String("name", "", "the person's name, printed on receipts")
	role := fs.String("role", "cashier", "cashier, manager or technician")
	pin := fs.String("pin", "", "`PIN` of 4 to 12 digits")
	if err := parseDB(fs, args, false, dbPath, "id", "pin"); err != nil {
		return err
	}
	u := pos.User{ID: *id, Name: *name, Role: pos.Role(*role)}
	if err := u.Validate(); err != nil {
		// A value of a flag the rule refuses: a usage error, named.
		flag := map[string]string{"user_id_char": "id", "user_name_char": "name"}[pos.ErrorKey(err)]
		if flag == "" {
			flag = "role"
		}
		return badFlag(flag, err)
	}
	db, err := openDB(*dbPath, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.AddUser(u, *pin, actor); err != nil {
		return err
	}
	say(stdout, "posctl.user.added", "id", *id, "name", *name, "role", roleLabel(*role))
	warnUnprintable(stderr, "--name", *name)
	return nil
}

// ListedUser is a user as posctl user list --json prints it: pos.User
// with the end of its last lockout written as every --json time is
// (jsonTime: RFC 3339 in CST; "" when never locked).
type ListedUser struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Role        pos.Role `json:"role"`
	Disabled    bool     `json:"disabled"`
	Failures    int      `json:"failures"`
	LockedUntil string   `json:"locked_until"`
}

func cmdUserList(args []string, stdout io.Writer) error {
	fs := newFlags("user list", stdout)
	dbPath := fs.String("db", "", "terminal database `FILE`")
	asJSON := fs.Bool("json", false, "print JSON")
	db, done, err := parseRead(fs, args, dbPath)
	if err != nil {
		return err
	}
	defer done()
	us, err := db.Users()
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]ListedUser, len(us))
		for i, u := range us {
			out[i] = ListedUser{ID: u.ID, Name: u.Name, Role: u.Role, Disabled: u.Disabled, Failures: u.Failures, LockedUntil: jsonTime(u.LockedUntil)}
		}
		return printJSON(stdout, out)
	}
	writeUsers(stdout, us, time.Now())
	return nil
}

// writeUsers prints one user a line, aligned by display width
// (report.Table: a Chinese name takes two columns a character): id, role,
// name, state (disabled) and, for a user locked out at now by wrong PINs,
// the CST time the lock ends.
func writeUsers(w io.Writer, us []pos.User, now time.Time) {
	tb := report.Table{Align: "lllll"}
	tb.Row(tr("posctl.user.col.id"), tr("posctl.user.col.role"), tr("posctl.user.col.name"), tr("posctl.user.col.state"), tr("posctl.user.col.locked"))
	for _, u := range us {
		state, locked := "-", "-"
		if u.Disabled {
			state = tr("posctl.user.state.disabled")
		}
		if u.Locked(now) {
			locked = pos.UnlockClock(u.LockedUntil)
		}
		tb.Row(u.ID, roleLabel(string(u.Role)), u.Name, state, locked)
	}
	tb.Write(w)
}

// roleLabel names a role in the language of LANG (the role itself when
// the table has no word for it).
func roleLabel(role string) string {
	if m := msgs(); m.Has("ui.role." + role) {
		return m.T("ui.role."+role, nil)
	}
	return role
}
