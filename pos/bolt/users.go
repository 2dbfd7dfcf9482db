package bolt

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/scrypt"

	"fupinpos/pos"
)

// PIN hashing: scrypt with a per-user salt, slow enough (about 0.1 s here)
// that a stolen database file does not give up 4-digit PINs in an instant.
const (
	scryptN   = 1 << 15
	scryptR   = 8
	scryptP   = 1
	scryptLen = 32
	saltLen   = 16
)

// storedUser is a user as kept in the users bucket.
type storedUser struct {
	pos.User
	Salt []byte `json:"salt"`
	Hash []byte `json:"hash"`
}

func hashPIN(pin string, salt []byte) ([]byte, error) {
	h, err := scrypt.Key([]byte(pin), salt, scryptN, scryptR, scryptP, scryptLen)
	if err != nil {
		return nil, pos.WrapError(pos.EINTERNAL, err, "hash PIN")
	}
	return h, nil
}

func newPIN(pin string) (salt, hash []byte, err error) {
	if err := pos.ValidatePIN(pin); err != nil {
		return nil, nil, err
	}
	salt = make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, nil, pos.WrapError(pos.EINTERNAL, err, "make salt")
	}
	hash, err = hashPIN(pin, salt)
	return salt, hash, err
}

// AddUser creates a user with a PIN. Ids are unique; roles are cashier,
// manager and technician; ids and names are checked by pos.User.Validate.
func (db *DB) AddUser(u pos.User, pin, actor string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	salt, hash, err := newPIN(pin)
	if err != nil {
		return err
	}
	u.Failures, u.LockedUntil, u.Disabled = 0, time.Time{}, false
	return db.update("add user", func(tx *bolt.Tx) error {
		if tx.Bucket(bucketUsers).Get([]byte(u.ID)) != nil {
			return pos.Errorf(pos.ECONFLICT, "user %s already exists", u.ID).With("user", u.ID).Say("user_exists")
		}
		if err := putUser(tx, &storedUser{User: u, Salt: salt, Hash: hash}); err != nil {
			return err
		}
		return db.audit(tx, actor, pos.AuditUser, map[string]string{"add": u.ID, "role": string(u.Role)})
	})
}

// SetPIN replaces a user's PIN and clears a lockout.
func (db *DB) SetPIN(id, pin, actor string) error {
	salt, hash, err := newPIN(pin)
	if err != nil {
		return err
	}
	return db.update("set PIN", func(tx *bolt.Tx) error {
		su, err := readStored(tx, id)
		if err != nil {
			return err
		}
		su.Salt, su.Hash, su.Failures, su.LockedUntil = salt, hash, 0, time.Time{}
		if err := putUser(tx, su); err != nil {
			return err
		}
		return db.audit(tx, actor, pos.AuditUser, map[string]string{"pin": id})
	})
}

// DisableUser stops a user from logging in; the ledger keeps their name.
func (db *DB) DisableUser(id, actor string) error {
	return db.update("disable user", func(tx *bolt.Tx) error {
		su, err := readStored(tx, id)
		if err != nil {
			return err
		}
		su.Disabled = true
		if err := putUser(tx, su); err != nil {
			return err
		}
		return db.audit(tx, actor, pos.AuditUser, map[string]string{"disable": id})
	})
}

// User returns user id without its PIN hash.
func (db *DB) User(id string) (*pos.User, error) {
	var u *pos.User
	err := db.view("read user", func(tx *bolt.Tx) (err error) {
		u, err = readUser(tx, id)
		return err
	})
	return u, err
}

// Users returns every user, ordered by id.
func (db *DB) Users() ([]pos.User, error) {
	var out []pos.User
	err := db.view("read users", func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(_, v []byte) error {
			var su storedUser
			if err := json.Unmarshal(v, &su); err != nil {
				return pos.WrapError(pos.EINTERNAL, err, "decode user")
			}
			out = append(out, su.User)
			return nil
		})
	})
	return out, err
}

// Login checks a PIN. Every attempt is in the audit log; after
// pos.MaxPINFailures wrong PINs in a row the user is locked for
// pos.LockoutDuration (ELOCKED), and a disabled user is EFORBIDDEN.
func (db *DB) Login(id, pin string) (*pos.User, error) {
	var su *storedUser
	if err := db.view("read user", func(tx *bolt.Tx) (err error) {
		su, err = readStored(tx, id)
		return err
	}); err != nil {
		if pos.ErrorCode(err) == pos.ENOTFOUND {
			_ = db.Audit(id, pos.AuditLoginFailed, map[string]string{"reason": "unknown user"})
			return nil, pos.Errorf(pos.EBADPIN, "wrong user or PIN")
		}
		return nil, err
	}
	now := db.timestamp()
	if su.Disabled {
		_ = db.Audit(id, pos.AuditLoginFailed, map[string]string{"reason": "disabled"})
		return nil, pos.Errorf(pos.EFORBIDDEN, "user %s is disabled", id).Say("user_disabled", "user", id)
	}
	if su.Locked(now) {
		_ = db.Audit(id, pos.AuditLoginFailed, map[string]string{"reason": "locked"})
		return nil, pos.Errorf(pos.ELOCKED, "user %s is locked until %s", id, su.LockedUntil.In(pos.CST).Format("15:04:05")).
			With("until", pos.UnlockClock(su.LockedUntil))
	}
	h, err := hashPIN(pin, su.Salt)
	if err != nil {
		return nil, err
	}
	ok := subtle.ConstantTimeCompare(h, su.Hash) == 1
	var result error
	err = db.update("record login", func(tx *bolt.Tx) error {
		cur, err := readStored(tx, id)
		if err != nil {
			return err
		}
		if ok {
			cur.Failures = 0
			if err := putUser(tx, cur); err != nil {
				return err
			}
			su = cur
			return db.audit(tx, id, pos.AuditLogin, map[string]string{"role": string(cur.Role)})
		}
		cur.Failures++
		detail := map[string]string{"failures": strconv.Itoa(cur.Failures)}
		action := pos.AuditLoginFailed
		result = pos.Errorf(pos.EBADPIN, "wrong user or PIN").With("remaining", strconv.Itoa(max(0, pos.MaxPINFailures-cur.Failures)))
		if cur.Failures >= pos.MaxPINFailures {
			cur.Failures = 0
			cur.LockedUntil = now.Add(pos.LockoutDuration)
			action = pos.AuditLocked
			result = pos.Errorf(pos.ELOCKED, "user %s is locked until %s after %d wrong PINs", id, cur.LockedUntil.In(pos.CST).Format("15:04:05"),
				pos.MaxPINFailures).With("until", pos.UnlockClock(cur.LockedUntil))
		}
		if err := putUser(tx, cur); err != nil {
			return err
		}
		return db.audit(tx, id, action, detail)
	})
	if err != nil {
		return nil, err
	}
	if result != nil {
		return nil, result
	}
	u := su.User
	return &u, nil
}

// Authorize logs user id in and requires one of roles: a manager approving
// a void or a typed code, a technician opening the settings.
func (db *DB) Authorize(id, pin string, roles ...pos.Role) (*pos.User, error) {
	u, err := db.Login(id, pin)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(roles, u.Role) {
		return nil, pos.Errorf(pos.EFORBIDDEN, "user %s is a %s; this needs a %v", id, u.Role, roles).Say("wrong_role", "user", id, "role", string(u.Role))
	}
	return u, nil
}

// activeUser returns user id when it exists, is enabled and has one of roles.
func activeUser(tx *bolt.Tx, id string, roles ...pos.Role) (*pos.User, error) {
	u, err := readUser(tx, id)
	if err != nil {
		return nil, pos.WrapError(pos.EFORBIDDEN, err, "unknown user %q", id).Say("unknown_user", "user", id)
	}
	if u.Disabled || !slices.Contains(roles, u.Role) {
		return nil, pos.Errorf(pos.EFORBIDDEN, "user %s (%s) may not do this", id, u.Role).Say("not_allowed", "user", id)
	}
	return u, nil
}

func readStored(tx *bolt.Tx, id string) (*storedUser, error) {
	v := tx.Bucket(bucketUsers).Get([]byte(id))
	if v == nil {
		return nil, pos.Errorf(pos.ENOTFOUND, "no user %q", id).With("user", id).Say("no_user")
	}
	var su storedUser
	if err := json.Unmarshal(v, &su); err != nil {
		return nil, pos.WrapError(pos.EINTERNAL, err, "decode user %s", id)
	}
	return &su, nil
}

func readUser(tx *bolt.Tx, id string) (*pos.User, error) {
	su, err := readStored(tx, id)
	if err != nil {
		return nil, err
	}
	return &su.User, nil
}

func putUser(tx *bolt.Tx, su *storedUser) error {
	b, err := json.Marshal(su)
	if err != nil {
		return pos.WrapError(pos.EINTERNAL, err, "encode user")
	}
	return tx.Bucket(bucketUsers).Put([]byte(su.ID), b)
}
