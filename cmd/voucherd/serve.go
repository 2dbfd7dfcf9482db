package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"fupinpos/pos"
	"fupinpos/pos/voucher"
	"fupinpos/sync/server"
)

// logOutput is where `voucherd serve` writes its log; tests replace it.
var logOutput io.Writer = os.Stderr

// newLogger returns the structured logger of format "text" (default, for a
// person at a console) or "json" (one JSON object per line, for a log
// collector in production).
func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, usagef("voucherd.usage_err.log_format", "value", format)
}

// serveContext is cancelled to stop `voucherd serve`; tests replace it.
var serveContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func cmdServe(args []string, stdout io.Writer) error {
	fs := newFlags("serve", stdout)
	dir := fs.String("data", "", "data `DIR` made by voucherd init")
	db := dbFlag(fs)
	listen := fs.String("listen", "127.0.0.1:8443", "`ADDR` to listen on")
	cert := fs.String("cert", "", "TLS certificate `FILE` (PEM)")
	key := fs.String("key", "", "TLS private key `FILE` (PEM)")
	insecure := fs.Bool("insecure-listen", false, "allow plain HTTP on a non-loopback address (never in production)")
	validity := fs.Duration("validity", 7*24*time.Hour, "validity of the trust lists the server signs")
	grace := fs.Duration("grace", 72*time.Hour, "grace period after a trust list's expiry")
	logFormat := fs.String("log-format", "text", "log `FORMAT` on stderr: text, or json (one object per line, for production)")
	if err := parse(fs, args); err != nil {
		return err
	}
	log, err := newLogger(*logFormat, logOutput)
	if err != nil {
		return err
	}
	if err := require(fs, "data"); err != nil {
		return err
	}
	if (*cert == "") != (*key == "") {
		return usagef("voucherd.usage_err.cert_key")
	}
	tlsOn := *cert != ""
	if !tlsOn && !*insecure && !loopback(*listen) {
		return usagef("voucherd.usage_err.plain_http")
	}
	if _, err := server.LoadKeyring(*dir); err != nil {
		return err
	}
	// The supervision thresholds (DIR/alerts.json): a bad file refuses to
	// start rather than serve alerts from thresholds nobody set.
	alertCfg, err := server.LoadAlertConfig(*dir)
	if err != nil {
		return err
	}
	st, keys, err := openDeployment(*dir, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	token, created, err := server.AdminToken(*dir)
	if err != nil {
		return err
	}
	is := &server.Issuer{Store: st, Keys: keys}
	tl, err := is.EnsurePublished(*validity, *grace)
	if err != nil {
		return fmt.Errorf("publish trust list: %w", err)
	}
	srv := &server.Server{Store: st, Root: keys.RootPublic(), AdminToken: token, Log: log, AlertConfig: &alertCfg, Issuer: is}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	scheme := "http"
	if tlsOn {
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String()
	info := scheme + "://" + adminAddr(ln.Addr().(*net.TCPAddr)) + "\n"
	if tlsOn {
		abs, _ := filepath.Abs(*cert)
		info += abs + "\n"
	}
	if err := os.WriteFile(filepath.Join(*dir, serveFile), []byte(info), 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("write %s: %w", serveFile, err)
	}
	defer os.Remove(filepath.Join(*dir, serveFile))

	say(stdout, "voucherd.serve.serving", "url", url)
	say(stdout, "voucherd.root_fingerprint", "fingerprint", voucher.Fingerprint(keys.RootPublic()))
	say(stdout, "voucherd.serve.trust", "seq", tl.Seq, "expires", tl.Expires.In(pos.CST).Format(time.DateTime))
	if created {
		say(stdout, "voucherd.serve.admin_token_new", "file", filepath.Join(*dir, server.AdminTokenFile), "token", token)
	} else {
		say(stdout, "voucherd.serve.admin_token", "file", filepath.Join(*dir, server.AdminTokenFile))
	}

	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	ctx, stop := serveContext()
	defer stop()
	done := make(chan error, 1)
	go func() {
		if tlsOn {
			done <- hs.ServeTLS(ln, *cert, *key)
		} else {
			done <- hs.Serve(ln)
		}
	}()
	refresh := time.NewTicker(time.Hour)
	defer refresh.Stop()
	for {
		select {
		case err := <-done:
			return fmt.Errorf("serve: %w", err)
		case <-refresh.C:
			if _, err := is.EnsurePublished(*validity, *grace); err != nil {
				log.Error("refresh trust list", "error", err.Error())
			}
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			say(stdout, "voucherd.serve.stopped")
			return nil
		}
	}
}

// loopback reports whether addr (host:port) listens on loopback only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// adminAddr is the address the admin commands on this machine use to reach
// a server listening on a: a wildcard listen (0.0.0.0, ::) is reached on
// loopback. With TLS they pin the server's certificate file rather than
// check its host name (see serveClient), so a certificate that names the
// server's public address works from loopback too.
func adminAddr(a *net.TCPAddr) string {
	if a.IP.IsUnspecified() {
		loop := net.IPv4(127, 0, 0, 1)
		if a.IP.To4() == nil && a.IP.Equal(net.IPv6unspecified) {
			loop = net.IPv6loopback
		}
		return net.JoinHostPort(loop.String(), strconv.Itoa(a.Port))
	}
	return a.String()
}
