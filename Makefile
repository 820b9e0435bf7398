# surel — the e-mail channel of the DJPK Contact Center.
#
#   make demo     set up this machine (Debian 12 + Swift toolchain, as root), start the loopback
#                 test Dovecot, build, put samples/mail/*.eml into a fresh demo mailbox, run one
#                 ingest cycle, show the tickets, auto-replies and bounces it produced, and start the
#                 web console on it with three demo accounts (address and logins printed)
#   make test     THE test command (CI's .ci/run calls it): setup, test servers, build, swift test
#   make build    debug build            make release   release build
#   make install  release binary, systemd unit, `surel` user, /var/lib/surel, /etc/surel/surel.toml
#   make deb      .build/deb/surel_<version>_<arch>.deb with the Swift runtime inside, checked by lintian
#                 (scripts/test-deb installs it in a clean Debian 12 root)
#   make bench    scripts/bench-ingest   make clean     build products and the demo state
#
# Every recipe is one bash script (.ONESHELL) run with -euo pipefail: the first failing command stops it.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := build

SWIFT ?= swift
# The toolchain tarball lives in /opt/swift on our machines; use it when swift is not on PATH.
ifeq ($(shell command -v $(SWIFT) 2>/dev/null),)
export PATH := $(PATH):/opt/swift/usr/bin
endif

# Paths of `make install`. deploy/surel.service runs /usr/local/bin/surel and reads /etc/surel/surel.toml.
DESTDIR ?=
BINDIR ?= /usr/local/bin
UNITDIR ?= /etc/systemd/system
CONFDIR ?= /etc/surel
STATEDIR ?= /var/lib/surel
DATADIR ?= /usr/share/surel
MANDIR ?= /usr/local/share/man

# Scratch state of `make demo` (config, password file, SQLite store, attachments); wiped on every run.
DEMO_DIR ?= /tmp/surel-demo
SAMPLES := $(sort $(wildcard samples/mail/*.eml))
# How the samples reach the demo mailbox: append (IMAP APPEND with curl) or maildir (files written directly).
DEMO_UPLOAD ?= append
# Where the demo's console listens (127.0.0.1).
DEMO_PORT ?= 8080
# Where the demo's public pages (the survey the BAK mail links to) listen.
DEMO_PUBLIC_PORT ?= 8081

# Extra arguments for `swift test` (e.g. TEST_ARGS='--filter SurelMailTests') and scripts/bench-ingest.
TEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: demo lint test build release install deb bench clean

build:
	$(SWIFT) build

release:
	touch Package.swift  # so SwiftPM plans the build and Plugins/BuildCommit names this commit (scripts/build-deb)
	$(SWIFT) build -c release

# swift-format with the committed .swift-format (line length 120): no finding may remain.
lint:
	$(SWIFT) format lint --strict --configuration .swift-format --recursive Sources Tests Package.swift

test:
	scripts/setup-system
	scripts/test-mailservers start
	eval "$$(scripts/test-mailservers env)"
	$(SWIFT) build --build-tests
	$(SWIFT) test $(TEST_ARGS)

demo:
	@step() { printf '\n==> %s\n' "$$*"; }
	step "scripts/setup-system"
	scripts/setup-system
	# The demo needs IMAP only; `make test` starts Postfix too when it needs it.
	step "scripts/test-mailservers start (loopback Dovecot; an already running one is reused)"
	SUREL_TEST_POSTFIX=0 scripts/test-mailservers start
	eval "$$(scripts/test-mailservers env)"
	step "$(SWIFT) build -c release"
	$(SWIFT) build -c release
	surel="$$($(SWIFT) build -c release --show-bin-path)/surel"
	step "fresh demo mailbox and store"
	# The console of an earlier demo is stopped first.
	if [[ -f $(DEMO_DIR).console.pid ]]; then kill "$$(cat $(DEMO_DIR).console.pid)" 2>/dev/null || true; sleep 1; fi
	rm -rf "$(DEMO_DIR)"
	install -d -m 0700 "$(DEMO_DIR)"
	# Mailboxes of earlier demos are thrown away; every run gets a new user (the test Dovecot accepts any name).
	rm -rf "$$SUREL_TEST_MAIL_DIR"/surel-demo-*
	user="surel-demo-$$(date +%s)-$$$$"
	samples=($(SAMPLES))
	[[ $${#samples[@]} -gt 0 ]] || { echo "no samples/mail/*.eml" >&2; exit 1; }
	if [[ "$(DEMO_UPLOAD)" == append ]] && command -v curl >/dev/null; then
		# IMAP APPEND, one message at a time in file-name order (UIDs follow that order).
		# The samples are stored with LF line ends; IMAP wants CRLF.
		for f in "$${samples[@]}"; do
			sed 's/\r*$$/\r/' "$$f" >"$(DEMO_DIR)/append.eml"
			# The login goes through curl's config on stdin, not its arguments (visible in ps).
			printf 'user = "%s:%s"\n' "$$user" "$$SUREL_TEST_PASSWORD" | \
				curl --silent --show-error --fail --url "$$SUREL_TEST_IMAP_URL/INBOX" \
				--config - --upload-file "$(DEMO_DIR)/append.eml"
			echo "APPEND $$f"
		done
		rm -f "$(DEMO_DIR)/append.eml"
	else
		# DEMO_UPLOAD=maildir, or no curl binary: write the user's Maildir; Dovecot picks the files up at the next SELECT,
		# numbering them in file-name order.
		md="$$SUREL_TEST_MAIL_DIR/$$user/Maildir"
		for d in "$$SUREL_TEST_MAIL_DIR/$$user" "$$md" "$$md/cur" "$$md/new" "$$md/tmp"; do
			install -d -o vmail -g vmail -m 0700 "$$d"
		done
		i=0
		for f in "$${samples[@]}"; do
			i=$$((i + 1))
			name="$$(date +%s).M$$(printf '%06d' "$$i")P$$$$.surel-demo"
			install -o vmail -g vmail -m 0600 "$$f" "$$md/tmp/$$name"
			mv "$$md/tmp/$$name" "$$md/new/$$name"
			echo "Maildir $$f"
		done
	fi
	printf '%s\n' "$$SUREL_TEST_PASSWORD" >"$(DEMO_DIR)/imap.password"
	chmod 0600 "$(DEMO_DIR)/imap.password"
	cat >"$(DEMO_DIR)/surel.toml" <<-EOF
	# Written by \`make demo\`: the loopback test Dovecot, plain IMAP (allowed on loopback only).
	[mailbox]
	url = "$$SUREL_TEST_IMAP_URL/INBOX"
	user = "$$user"
	password_file = "$(DEMO_DIR)/imap.password"
	tls = "none"
	after_store = "flag"
	poll_interval = "30s"

	[store]
	path = "$(DEMO_DIR)/surel.sqlite"
	attachments = "$(DEMO_DIR)/attachments"

	[log]
	level = "info"

	[web]
	listen = "127.0.0.1:$(DEMO_PORT)"
	public_url = "http://127.0.0.1:$(DEMO_PUBLIC_PORT)"
	public_listen = "127.0.0.1:$(DEMO_PUBLIC_PORT)"
	EOF
	echo "config: $(DEMO_DIR)/surel.toml (mailbox user $$user)"
	export SUREL_CONFIG="$(DEMO_DIR)/surel.toml"
	step "surel check-config"
	"$$surel" check-config
	step "surel run --once"
	"$$surel" run --once
	step "surel tickets list"
	"$$surel" tickets list
	step "surel messages list --kind autoreply"
	"$$surel" messages list --kind autoreply
	step "surel messages list --kind bounce"
	"$$surel" messages list --kind bounce
	step "surel quarantine list"
	"$$surel" quarantine list
	first="$$("$$surel" tickets list --json | grep -o '"number" *: *"[0-9]*-[0-9]*"' | head -n 1 | grep -o '[0-9]*-[0-9]*')" || true
	if [[ -n $$first ]]; then
		step "surel tickets show $$first"
		"$$surel" tickets show "$$first"
	fi
	step "the web console: demo accounts and surel serve"
	# Passwords are new on every run.
	agent_pw="agen-$$(head -c 9 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
	super_pw="kasubbag-$$(head -c 9 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
	printf '%s\n' "$$agent_pw" | "$$surel" users add agen --role agent
	printf '%s\n' "$$super_pw" | "$$surel" users add kasubbag --role supervisor --confidential
	blast_pw="staf-$$(head -c 9 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
	printf '%s\n' "$$blast_pw" | "$$surel" users add staf --role blast
	# A sample recipient list (two of its rows are refused, and named by line) for the blast pages.
	"$$surel" lists import pemda-contoh samples/lists/pemda-contoh.csv
	printf 'agen %s\nkasubbag %s\nstaf %s\n' "$$agent_pw" "$$super_pw" "$$blast_pw" >"$(DEMO_DIR)/logins.txt"
	chmod 0600 "$(DEMO_DIR)/logins.txt"
	nohup "$$surel" serve >"$(DEMO_DIR)/console.log" 2>&1 &
	echo $$! >"$(DEMO_DIR).console.pid"
	for i in $$(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$(DEMO_PORT)) 2>/dev/null && break; sleep 0.2; done
	step "done: the console runs at http://127.0.0.1:$(DEMO_PORT)/ (log: $(DEMO_DIR)/console.log)"
	echo "  agent:      agen / $$agent_pw"
	echo "  supervisor: kasubbag / $$super_pw (may read complaints)"
	echo "  blasts:     staf / $$blast_pw (list pemda-contoh; a preview and sending need an [smtp] section)"
	echo "  stop it:    kill \$$(cat $(DEMO_DIR).console.pid)"
	echo "  CLI:        SUREL_CONFIG=$(DEMO_DIR)/surel.toml $$surel tickets list --json"

deb:
	scripts/build-deb

install: release
	bin="$$($(SWIFT) build -c release --show-bin-path)/surel"
	install -D -m 0755 "$$bin" "$(DESTDIR)$(BINDIR)/surel"
	install -D -m 0644 deploy/surel.service "$(DESTDIR)$(UNITDIR)/surel.service"
	install -D -m 0644 deploy/surel-web.service "$(DESTDIR)$(UNITDIR)/surel-web.service"
	install -D -m 0644 deploy/surel.1 "$(DESTDIR)$(MANDIR)/man1/surel.1"
	# The classifier's training data: the daemon trains on it at first start (ShippedData.swift finds it).
	install -d "$(DESTDIR)$(DATADIR)/classify/examples"
	install -m 0644 classify/keywords.tsv classify/README.md "$(DESTDIR)$(DATADIR)/classify/"
	install -m 0644 classify/examples/* "$(DESTDIR)$(DATADIR)/classify/examples/"
	# The mail templates: staff may copy them to /etc/surel and point [outbox] templates there.
	install -d "$(DESTDIR)$(DATADIR)/mail-templates"
	install -m 0644 mail-templates/* "$(DESTDIR)$(DATADIR)/mail-templates/"
	if ! getent group surel >/dev/null; then groupadd --system surel; fi
	if ! getent passwd surel >/dev/null; then
		useradd --system --gid surel --home-dir "$(STATEDIR)" --no-create-home \
			--shell /usr/sbin/nologin --comment "surel, DJPK Contact Center e-mail channel" surel
	fi
	install -d -o surel -g surel -m 0750 "$(DESTDIR)$(STATEDIR)"
	install -d -o root -g surel -m 0750 "$(DESTDIR)$(CONFDIR)"
	# The example config is copied only once: an existing surel.toml is never overwritten.
	if [[ ! -e "$(DESTDIR)$(CONFDIR)/surel.toml" ]]; then
		install -o root -g surel -m 0640 deploy/surel.toml.example "$(DESTDIR)$(CONFDIR)/surel.toml"
		echo "installed $(CONFDIR)/surel.toml: edit [mailbox], put the IMAP password in $(CONFDIR)/imap.password (mode 0600 root)"
	else
		echo "kept existing $(CONFDIR)/surel.toml"
	fi
	# Only when systemd runs this machine (it is not PID 1 in containers).
	if [[ -z "$(DESTDIR)" && -d /run/systemd/system ]]; then systemctl daemon-reload; fi
	echo "next: surel check-config --config $(CONFDIR)/surel.toml && systemctl enable --now surel"

bench: release
	[[ -x scripts/bench-ingest ]] || { echo "scripts/bench-ingest is missing or not executable" >&2; exit 1; }
	scripts/setup-system
	scripts/test-mailservers start
	eval "$$(scripts/test-mailservers env)"
	scripts/bench-ingest $(BENCH_ARGS)

clean:
	$(SWIFT) package clean
	if [[ -f $(DEMO_DIR).console.pid ]]; then kill "$$(cat $(DEMO_DIR).console.pid)" 2>/dev/null || true; fi
	rm -rf "$(DEMO_DIR)" "$(DEMO_DIR).console.pid"
