# Windows (issue 11): `make windows` cross-builds dist/windows/fupinpos.exe
# (cgo with mingw-w64), posctl.exe, voucherd.exe and the NSIS installer
# dist/windows/fupinpos-setup-VERSION.exe; `make test-windows` builds them
# and runs the installer and posctl.exe under wine (a throw-away prefix made
# from a cached, initialised one) through install → provision → sales →
# ledger verify → the Linux posctl reading the same database file →
# uninstall that keeps it. Files: assets/packaging/windows (DESIGN §9).
#
# The first build of fupinpos.exe compiles GLFW and go-gl with mingw
# (about 5 minutes on 2 cores); later ones come from the Go build cache.

# VERSION once (the Makefile's VERSION is re-evaluated at each use, and a
# commit during the run would change it half-way); LDFLAGS is fixed too.
WIN_VERSION := $(VERSION)
WIN_DIST  := $(CURDIR)/dist/windows
WIN_SRC   := $(CURDIR)/assets/packaging/windows
WIN_BUILD := $(BIN)/windows
# The cached wine prefix (wineboot -i plus the ProcessPrng stand-in DLL);
# the test copies it, so each run starts from a fresh prefix.
WIN_PREFIX := $(WIN_BUILD)/wineprefix
WIN_CC    := x86_64-w64-mingw32-gcc
WIN_ENV   := GOOS=windows GOARCH=amd64
# The release as four numbers for the version resources: 0.9.0-3-gabc → 0.9.0.3.
WIN_VERSION4 := $(shell v='$(WIN_VERSION)'; if [[ $$v =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)(-([0-9]+))? ]]; then echo "$${BASH_REMATCH[1]}.$${BASH_REMATCH[2]}.$${BASH_REMATCH[3]}.$${BASH_REMATCH[5]:-0}"; else echo 0.0.0.0; fi)
WIN_SETUP := $(WIN_DIST)/fupinpos-setup-$(WIN_VERSION).exe
# What make windows and make test-windows need (installed only when
# missing, by windows-deps and by make deps): the mingw-w64 C compiler for
# cgo, makensis, wine (wine64 and its launcher); the font and icon come from
# make deps' python3-fonttools, fonts-droid-fallback and imagemagick.
WIN_PKGS  := gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 nsis wine64 wine locales
APT_PKGS  += $(WIN_PKGS)

.PHONY: windows windows-deps windows-exe test-windows windows-prefix

windows-deps:
	@missing=""; for p in $(WIN_PKGS) python3-fonttools fonts-droid-fallback imagemagick; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq $$missing >/dev/null; \
	fi

# The app's icon (a white 扶 on red, drawn from the CJK font; generated,
# never committed) and its resource object (icon + version) for the linker.
$(WIN_BUILD)/fupinpos.ico: $(FONT_FULL)
	@mkdir -p $(WIN_BUILD)
	convert -size 256x256 xc:none -fill '#c62828' -draw 'roundrectangle 8,8 247,247 40,40' \
	  -font $(FONT_FULL) -fill white -pointsize 190 -gravity center -annotate +0+6 '扶' $(WIN_BUILD)/fupinpos-256.png
	convert $(WIN_BUILD)/fupinpos-256.png -define icon:auto-resize=256,64,48,32,16 $@

$(WIN_BUILD)/rsrc-$(WIN_VERSION).o: $(WIN_SRC)/fupinpos.rc.in $(WIN_BUILD)/fupinpos.ico
	sed -e 's/@VERSION@/$(WIN_VERSION)/g' -e 's/@VERSION_COMMA@/$(subst .,$(comma),$(WIN_VERSION4))/g' $< >$(WIN_BUILD)/fupinpos.rc
	cd $(WIN_BUILD) && x86_64-w64-mingw32-windres -O coff fupinpos.rc -o $@

comma := ,

# The three programs, stripped (-s -w); the app as a GUI program
# (-H=windowsgui: no console window) with its icon and version resource.
windows-exe: windows-deps $(WIN_BUILD)/rsrc-$(WIN_VERSION).o
	@mkdir -p $(WIN_DIST)
	CGO_ENABLED=1 CC=$(WIN_CC) $(WIN_ENV) $(GO) build -tags '$(APP_TAGS)' \
	  -ldflags '-H=windowsgui -s -w $(LDFLAGS) -extldflags $(WIN_BUILD)/rsrc-$(WIN_VERSION).o' \
	  -o $(WIN_DIST)/fupinpos.exe ./cmd/fupinpos
	CGO_ENABLED=0 $(WIN_ENV) $(GO) build -ldflags '-s -w $(LDFLAGS)' -o $(WIN_DIST)/ ./cmd/posctl ./cmd/voucherd

windows: windows-exe $(BIN)/fupinpos-gb2312.ttf
	rm -f $(WIN_DIST)/fupinpos-setup-*.exe
	makensis -V2 -INPUTCHARSET UTF8 -DVERSION='$(WIN_VERSION)' -DVERSION4=$(WIN_VERSION4) \
	  -DDIST=$(WIN_DIST) -DFONT=$(BIN)/fupinpos-gb2312.ttf -DICON=$(WIN_BUILD)/fupinpos.ico \
	  -DOUTFILE=$(WIN_SETUP) $(WIN_SRC)/fupinpos.nsi
	@cd $(WIN_DIST) && ls -l *.exe

# The initialised wine prefix, made once (about 40 s) and reused: wineboot,
# then the ProcessPrng stand-in (wine 8 lacks bcryptprimitives.dll, which
# every Go >= 1.22 program imports; test only, never shipped). Wine 8
# says it is Windows 7 by default: the test checks that setup refuses it,
# then switches its copy to Windows 10.
$(WIN_PREFIX)/.ready: $(WIN_SRC)/wine/bcryptprimitives.c
	rm -rf $(WIN_PREFIX) && mkdir -p $(WIN_BUILD)
	$(WIN_CC) -shared -O2 -s -o $(WIN_BUILD)/bcryptprimitives.dll $< -ladvapi32
	WINEPREFIX=$(WIN_PREFIX) WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml=' LANG=C.UTF-8 wine wineboot -i
	WINEPREFIX=$(WIN_PREFIX) wineserver -w
	cp $(WIN_BUILD)/bcryptprimitives.dll $(WIN_PREFIX)/drive_c/windows/system32/
	touch $@

# A Chinese Windows: wine takes its UI language and code page from the
# Unix locale, and needs a real one (DESIGN §9); zh_CN.UTF-8 is built
# here (LOCPATH) since the machine may have none but C.UTF-8.
WIN_LOCPATH := $(WIN_BUILD)/locale
$(WIN_LOCPATH)/zh_CN.UTF-8/LC_CTYPE:
	@mkdir -p $(WIN_LOCPATH)
	localedef -i zh_CN -f UTF-8 $(WIN_LOCPATH)/zh_CN.UTF-8 || [ -f $@ ]

windows-prefix: windows-deps $(WIN_PREFIX)/.ready $(WIN_LOCPATH)/zh_CN.UTF-8/LC_CTYPE

# The Linux voucherd and posctl (make build) make the server side and read
# back the database that posctl.exe writes. The installed app is also
# started under Xvfb and wine on the provisioned terminal and its screen
# saved to WIN_SHOT (about 20 s; WIN_SHOT= skips it).
WIN_SHOT ?= $(WIN_BUILD)/fupinpos-wine.png
test-windows: windows build windows-prefix
	FUPINPOS_WIN_SETUP=$(WIN_SETUP) FUPINPOS_WIN_PREFIX=$(WIN_PREFIX) FUPINPOS_WIN_LOCPATH=$(WIN_LOCPATH) \
	FUPINPOS_BIN=$(BIN) FUPINPOS_VERSION='$(WIN_VERSION)' FUPINPOS_WIN_SHOT=$(WIN_SHOT) \
	  $(GO) test -count=1 -v -tags wine -timeout 15m ./assets/packaging/windows/
