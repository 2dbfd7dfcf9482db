# fupinpos — the two commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
GO    ?= go
BIN   := $(CURDIR)/bin
DEMO  := $(CURDIR)/demo-out
export LANG ?= C.UTF-8
# The release, from git describe (a tarball without .git builds as 0.0.0-dev);
# embedded in every binary (--version) and in the package names.
ifeq ($(origin VERSION),undefined)
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null | sed 's/^v//' || echo 0.0.0-dev)
endif
LDFLAGS := -X fupinpos/pos.Version=$(VERSION)
# Build tags of the counter app: no_emoji leaves Fyne's 4.2 MB colour emoji
# font out of the binary, which Fyne would otherwise parse once per text
# style (-12 MB RSS; no screen or receipt uses emoji).
APP_TAGS := no_emoji
# Every build is position-independent, as the packaged app must be
# (dist.mk): the tests, the real-X rig, the demo and the package then share
# one build of GLFW's C code, which takes five minutes cold on two cores;
# two build modes built it twice. The packaged CLIs override it (static).
export GOFLAGS := -buildmode=pie $(filter-out -buildmode=%,$(GOFLAGS))

# Debian packages the tests and the demo need; installed only when missing.
APT_PKGS := gcc libc6-dev unifont fonts-droid-fallback libgl1-mesa-dev xorg-dev xvfb xauth imagemagick xdotool python3-fonttools postgresql

.PHONY: demo demo-cli smoke xtest app demo-app font test bench bench-1m deps build vet windows-check fuzz clean

deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/voucherd ./cmd/posctl ./cmd/devsim

vet:
	@out=$$(gofmt -l cmd pos device sync assets); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# Windows, verified by cross-building (DESIGN §9): the pure-Go commands
# build for Windows and the device packages vet there (build-tagged pty
# code, COM port names, the Windows port enumeration).
windows-check:
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/posctl ./cmd/voucherd ./cmd/devsim
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) vet ./device/...

# Brief fuzzing of the parsers that face untrusted input (the seed corpora
# also run as plain tests in `go test`). Counts, not durations: a duration
# that ends while a worker is busy fails with "context deadline exceeded" on
# a loaded machine. FUZZX=10 runs ten times as many.
FUZZX ?= 1
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $$((300000*$(FUZZX)))x ./pos/voucher
	$(GO) test -run '^$$' -fuzz '^FuzzOpenTrust$$' -fuzztime $$((100000*$(FUZZX)))x ./pos/voucher
	$(GO) test -run '^$$' -fuzz '^FuzzFramer$$' -fuzztime $$((300000*$(FUZZX)))x ./device/scanner
	$(GO) test -run '^$$' -fuzz '^FuzzInterpret$$' -fuzztime $$((10000*$(FUZZX)))x -fuzzminimizetime 5s ./device/escpos

# The Windows app's first build (mingw GLFW, about 10 minutes cold) starts
# in the background at once, on the core the Linux tests leave idle while
# they compile; test-windows waits for it and then builds from the cache.
WIN_BG := $(BIN)/windows-exe-bg
test: deps
	@mkdir -p $(BIN); rm -f $(WIN_BG).pid; \
	if command -v x86_64-w64-mingw32-gcc >/dev/null; then \
	  { $(MAKE) --no-print-directory windows-exe >$(WIN_BG).log 2>&1 & echo $$! >$(WIN_BG).pid; }; \
	  echo "windows-exe: building in the background ($(WIN_BG).log)"; fi
	$(MAKE) --no-print-directory vet
	$(MAKE) --no-print-directory windows-check
	$(GO) test -count=1 ./...
	$(MAKE) --no-print-directory fuzz
	$(MAKE) --no-print-directory smoke
	$(MAKE) --no-print-directory xtest
	$(MAKE) --no-print-directory test-dist
	@if [ -f $(WIN_BG).pid ]; then while kill -0 $$(cat $(WIN_BG).pid) 2>/dev/null; do sleep 2; done; fi
	if command -v x86_64-w64-mingw32-gcc >/dev/null; then $(MAKE) --no-print-directory test-windows; fi

# The product app; the demo build (-tags demo: the pty scanner simulator,
# the demo panel, the scripted session, the smoke run) is a separate binary
# that make demo and make smoke use.
# Both use bin/fupinpos-gb2312.ttf (make font) when it is beside them.
app:
	$(GO) build -ldflags '$(LDFLAGS)' -tags '$(APP_TAGS)' -o $(BIN)/ ./cmd/fupinpos
	-@$(MAKE) --no-print-directory font

demo-app:
	$(GO) build -ldflags '$(LDFLAGS)' -tags 'demo $(APP_TAGS)' -o $(BIN)/fupinpos-demo ./cmd/fupinpos
	-@$(MAKE) --no-print-directory font

# The app's font: the GB2312 + ASCII subset of the full CJK face (1.0 MB
# instead of 4.0 MB; about 30 MB less RSS), generated, never committed. The
# app loads it from beside its binary (else the full face); a character
# outside it (a rare name character, GBK-only) is drawn from the system's
# full face by Fyne's per-character fallback (pos/ui TestSubsetFontFallsBack).
# Hinting is kept: without it text sits 1 px higher than with the full face.
# fontTools comes from python3-fonttools (make deps); /usr/bin/python3, as a
# python3 earlier on PATH may lack it. The subset's OS/2 fsType is set to 0
# (installable embedding): the full face says "editable embedding" only,
# but Droid Sans Fallback is Apache-2.0, which permits any use and
# modification, so the restriction bit grants nothing the licence does not
# (lintian truetype-font-prohibits-installable-embedding). The rule also
# depends on the Makefile so that a change of this recipe remakes the font.
FONT_FULL := /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
FONT_SRC  := $(wildcard assets/translations/*.json) $(filter-out %_test.go,$(wildcard pos/ui/*.go cmd/fupinpos/*.go))
font: $(BIN)/fupinpos-gb2312.ttf

$(BIN)/fupinpos-gb2312.ttf: $(FONT_FULL) cmd/fupinpos/fontchars.py $(FONT_SRC) Makefile
	@mkdir -p $(BIN)
	/usr/bin/python3 cmd/fupinpos/fontchars.py $(FONT_SRC) >$(BIN)/fupinpos-gb2312.txt
	/usr/bin/python3 -m fontTools.subset $(FONT_FULL) --text-file=$(BIN)/fupinpos-gb2312.txt --output-file=$@.tmp
	/usr/bin/python3 -c 'import sys; from fontTools.ttLib import TTFont; f = TTFont(sys.argv[1], recalcTimestamp=False); f["OS/2"].fsType = 0; f.save(sys.argv[1])' $@.tmp
	@mv $@.tmp $@

# The real-X test: the product binary under Xvfb driven with xdotool as a
# cashier drives it (wedge-speed scans, a code typed by hand, keys with a
# dialog open, a tap then a scan, an 800x600 screen); assertions on
# posctl ledger list --json, the printer simulator's transcripts and
# screenshots. XTEST_SHOTS=DIR keeps the screenshots.
xtest: deps
	$(GO) test -count=1 -tags realx -timeout 15m ./cmd/fupinpos/xtest/

# One run of the real app under Xvfb, through the whole loop (voucherd on
# loopback, enrollment, the pty scanner simulator): the cashier screen in
# Chinese, a product and a voucher scanned, the sale completed and its
# receipt printed, then 1,000 more sales; timings in smoke.json, with the
# figures of issue 8 (scan-to-verdict through the pty scanner, F12 to the
# receipt's bytes at the TCP printer simulator). SMOKE_MINUTES=N adds an
# N-minute session at a human pace with RSS sampled each minute (0 in
# make test); SMOKE=DIR writes elsewhere than smoke-out, e.g.
#   make smoke SMOKE_MINUTES=30 SMOKE=/tmp/smoke-30
SMOKE := $(CURDIR)/smoke-out
SMOKE_MINUTES ?= 0
smoke: deps build demo-app
	@rm -rf $(SMOKE) && mkdir -p $(SMOKE)/xdg
	@set -e; cd $(SMOKE); \
	LANG=zh_CN.UTF-8 XDG_CONFIG_HOME=$(SMOKE)/xdg XDG_CACHE_HOME=$(SMOKE)/xdg FUPINPOS_BIN=$(BIN)/fupinpos-demo SMOKE_MINUTES=$(SMOKE_MINUTES) \
	  timeout $$((300 + 60 * $(SMOKE_MINUTES))) xvfb-run -a -s "-screen 0 1024x768x24" $(CURDIR)/cmd/fupinpos/demo.sh $(BIN) $(SMOKE) smoke >$(SMOKE)/app.log 2>&1 \
	  || { cat $(SMOKE)/app.log; echo "smoke: the app failed"; exit 1; }; \
	if grep -q "Error in Fyne call thread" $(SMOKE)/app.log; then cat $(SMOKE)/app.log; echo "smoke: UI touched off the UI goroutine"; exit 1; fi; \
	size=$$(identify -format '%wx%h' $(SMOKE)/cashier.png); \
	[ "$$size" = 1024x768 ] || { echo "smoke: screenshot is $$size, want 1024x768"; exit 1; }; \
	sd=$$(convert $(SMOKE)/cashier.png -colorspace gray -format '%[fx:int(standard_deviation*1000)]' info:); \
	[ "$$sd" -gt 50 ] || { echo "smoke: screenshot looks blank (sd $$sd)"; exit 1; }; \
	ls $(SMOKE)/receipts/*.png >/dev/null; \
	grep SMOKE $(SMOKE)/app.log; echo "smoke: OK ($(SMOKE)/smoke.json, $(SMOKE)/cashier.png)"

# Benchmarks report ratios against baselines measured in the same run (raw
# Ed25519 verify, bare bbolt commit, one request per record). The drain
# benchmark queues 2 × 10,000 redemptions and takes about three minutes.
bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 2s ./pos/voucher ./pos/bolt ./device/scanner
	$(GO) test -run '^$$' -bench . -benchtime 300x ./device/escpos
	$(GO) test -run '^$$' -bench Ingest -benchtime 40000x ./sync/server ./sync/server/postgres
	$(GO) test -run '^$$' -bench Drain -benchtime 1x -timeout 30m ./sync/client
	FEED_SCALE_N=1000000 $(GO) test -count=1 -run TestFeedScaleBolt -v ./sync/server/
	$(GO) test -run '^$$' -bench 'ReportDay|BytesPerRedemption|ReturnOldSale' -benchtime 1x ./sync/server ./sync/server/postgres

# The campaign-size figures (1,000,000 records; about 20 minutes): the
# terminal's day report and incremental verify, the server's day report on
# both engines, the download after 500,000 status changes on both engines.
bench-1m: deps
	FUPINPOS_BENCH_1M=1 $(GO) test -run '^$$' -bench 'DayReportScale|VerifyLedger' -benchtime 1x -timeout 60m ./pos/bolt
	REPORT_SCALE_N=1000000 $(GO) test -run '^$$' -bench ReportDay -timeout 30m ./sync/server ./sync/server/postgres
	FEED_SCALE_N=500000 $(GO) test -count=1 -run TestFeedScale -v ./sync/server/ ./sync/server/postgres/

# The demo: voucherd on loopback with the demo campaign and catalogue, demo
# vouchers and their QR sheet, the printer simulator, a terminal enrolled
# with a one-time code, and the counter app reading the pty scanner
# simulator. With a display it opens the app and a demo panel that "scans"
# vouchers and products; without one it runs the scripted session under
# Xvfb in both languages and two screen sizes and writes screenshots and
# receipt images.
demo: deps build demo-app
	@rm -rf $(DEMO)/app && mkdir -p $(DEMO)/app
	@set -e; export XDG_CONFIG_HOME=$(DEMO)/app/xdg XDG_CACHE_HOME=$(DEMO)/app/xdg FUPINPOS_BIN=$(BIN)/fupinpos-demo; \
	if [ -n "$$DISPLAY" ]; then \
	  echo "users: cashier 1001 PIN 1234 · manager 2001 PIN 2468 · technician 3001 PIN 1357"; \
	  LANG=zh_CN.UTF-8 cmd/fupinpos/demo.sh $(BIN) $(DEMO)/app/live panel; \
	else \
	  for l in zh_Hans en; do for s in 1024x768 1920x1080; do \
	    d=$(DEMO)/app/$$l-$$s; mkdir -p $$d; \
	    LANG=zh_CN.UTF-8 timeout 300 xvfb-run -a -s "-screen 0 $${s}x24" cmd/fupinpos/demo.sh $(BIN) $$d script --lang $$l --size $$s >$$d/app.log 2>&1 \
	      || { cat $$d/app.log; exit 1; }; \
	    for f in $$d/screens/*.png; do \
	      sd=$$(convert $$f -colorspace gray -format '%[fx:int(standard_deviation*1000)]' info:); \
	      [ "$$sd" -gt 20 ] || { echo "demo: $$f looks blank (sd $$sd)"; exit 1; }; \
	    done; \
	    echo "demo ($$l, $$s): screenshots in $$d/screens, receipts in $$d/receipts, QR sheet $$d/qr/index.html"; \
	  done; done; \
	fi

# The product walk-through on the command line: a central server data directory,
# vouchers issued (QR sheet written), a terminal provisioned from the signed
# bundle, a few sales (one refused twice over), the ledger verified and the
# day report printed.
demo-cli: deps build
	@rm -rf $(DEMO)/cli && mkdir -p $(DEMO)/cli
	@set -e; V=$(BIN)/voucherd; P=$(BIN)/posctl; D=$(DEMO)/cli; DB=$$D/terminal.db; \
	echo "== voucherd init --demo"; $$V init --data $$D/server --demo; \
	echo "== issue vouchers (QR sheet in $$D/qr)"; \
	$$V issue --data $$D/server --campaign 2020 --unit 1001 --member 'M-0001' --value 10000 --count 2 --out $$D/codes.csv --qr $$D/qr; \
	$$V issue --data $$D/server --campaign 2020 --unit 1003 --member 'M-0002' --value 5000 --out $$D/codes2.csv; \
	echo "== over the ¥300 cap is refused:"; \
	$$V issue --data $$D/server --campaign 2020 --unit 1001 --member 'M-0001' --value 20000 || true; \
	$$V trust --data $$D/server --out $$D/bundle.json; \
	echo "== provision the terminal"; \
	$$P provision --db $$DB --trust $$D/bundle.json --root-key $$D/server/root.pub --store HF-001 --store-name '合肥百货大楼' --terminal T01; \
	$$P user add --db $$DB --id 1001 --name '王芳' --role cashier --pin 2468; \
	$$P user add --db $$DB --id 9001 --name '李经理' --role manager --pin 8642; \
	C1=$$(sed -n 2p $$D/codes.csv | cut -d, -f5); C2=$$(sed -n 3p $$D/codes.csv | cut -d, -f5); C3=$$(sed -n 2p $$D/codes2.csv | cut -d, -f5); \
	echo "== check a voucher"; $$P check --db $$DB $$C1; \
	echo "== a forged voucher (one digit changed):"; \
	$$P check --db $$DB "$${C1:0:100}$$(( ($${C1:100:1} + 1) % 10 ))$${C1:101}" || true; \
	echo "== sale 1: two pear boxes and tea, one ¥100 voucher, rest by WeChat"; \
	$$P redeem --db $$DB --cashier 1001 --item DS-PEAR-5:2 --item YX-CUILAN-250:1 --method wechat $$C1; \
	echo "== the same voucher again is refused:"; \
	$$P redeem --db $$DB --cashier 1001 --item DS-PEAR-5:1 --method cash $$C1 || true; \
	echo "== sale 2: honey with a ¥100 voucher (excess forfeited, no change)"; \
	$$P redeem --db $$DB --cashier 1001 --item TH-HONEY-500:1 $$C2; \
	echo "== sale 3: tofu and vermicelli with a ¥50 voucher, rest in cash"; \
	$$P redeem --db $$DB --cashier 1001 --item SX-TOFU-BGS:2 --item LQ-VERMI-1KG:1 --method cash $$C3; \
	echo "== ledger"; $$P ledger verify --db $$DB; \
	echo "== day report"; $$P report day --db $$DB; \
	echo; echo "demo output in $$D (codes.csv, qr/index.html, terminal.db)"

clean:
	rm -rf $(BIN) $(DEMO) $(SMOKE) $(CURDIR)/dist

# Packaging (make dist: the .deb packages; make windows: the Windows
# programs and setup.exe), in their own fragments under assets/packaging.
include $(wildcard assets/packaging/*.mk)
