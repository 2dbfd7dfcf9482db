# Linux packages (issue 11): `make dist` writes dist/fupinpos-terminal_V_amd64.deb
# and dist/voucherd_V_amd64.deb; `make test-dist` builds them and checks them
# (contents, permissions, dependencies, lintian, systemd-analyze, an install
# on this machine as root with voucherd started from its unit as its user,
# the terminal's upgrade refusal while sales wait). Files: assets/packaging/deb.
#
# The Debian version comes from VERSION (git describe): 0.9.0 stays 0.9.0,
# 0.9.0-3-gabc1234 becomes 0.9.0+3.gabc1234, a -dirty tree adds .dirty, a
# pre-release tag 1.0.0-rc1 becomes 1.0.0~rc1 (sorts before 1.0.0).
DIST        ?= $(CURDIR)/dist
DEB_SRC     := $(CURDIR)/assets/packaging/deb
DEB_VERSION := $(shell $(DEB_SRC)/debversion.sh '$(VERSION)')
# Binaries for the packages: stripped; the CLIs without cgo (static, so they
# run on older glibc than the build machine's); the app needs cgo (GLFW) and
# is a position-independent executable (-buildmode=pie, in GOFLAGS from the
# Makefile: address-space layout randomisation, as Debian builds every ELF
# program; lintian hardening-no-pie).
DIST_BIN    := $(DIST)/.bin
# What the packaging tests need besides make deps (dpkg-shlibdeps, lintian,
# systemd-analyze, desktop-file-validate, appstreamcli); installed only when
# missing.
DIST_PKGS   := dpkg-dev lintian systemd desktop-file-utils appstream

.PHONY: dist dist-deps dist-bin test-dist

dist-deps:
	@missing=""; for p in $(DIST_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

dist-bin: $(BIN)/fupinpos-gb2312.ttf
	@mkdir -p $(DIST_BIN)
	$(GO) build -ldflags '$(LDFLAGS) -s -w' -tags '$(APP_TAGS)' -o $(DIST_BIN)/ ./cmd/fupinpos
	GOFLAGS= CGO_ENABLED=0 $(GO) build -ldflags '$(LDFLAGS) -s -w' -o $(DIST_BIN)/ ./cmd/posctl ./cmd/voucherd
	cp $(BIN)/fupinpos-gb2312.ttf $(DIST_BIN)/

dist: deps dist-deps dist-bin
	FUPINPOS_VERSION='$(VERSION)' $(DEB_SRC)/build.sh terminal $(DEB_VERSION) $(DIST_BIN) $(DIST)
	FUPINPOS_VERSION='$(VERSION)' $(DEB_SRC)/build.sh voucherd $(DEB_VERSION) $(DIST_BIN) $(DIST)
	@ls -l $(DIST)/*_$(DEB_VERSION)_amd64.deb

# Installs and purges both packages on this machine (root only; it leaves
# no pos/voucherd user or data behind that it did not find).
test-dist: dist
	FUPINPOS_DIST=$(DIST) FUPINPOS_DEB_VERSION=$(DEB_VERSION) FUPINPOS_VERSION=$(VERSION) \
	  $(GO) test -count=1 -v -timeout 15m ./assets/packaging/deb/
