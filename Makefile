# docker-registry charm (Swift). `make help` lists the targets.
#
#   make try     build the charm and charm-sim, prepare this machine, deploy the charm locally
#   make test    the full test run (what CI runs through .ci/run)
#   make charm   bin/docker-registry-charm (release, static Swift stdlib, stripped) + docker-registry.charm
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.SUFFIXES:

# Swift lives in /opt/swift on the test machines; find it even when it is not on PATH.
ifeq ($(shell command -v swift 2>/dev/null),)
  ifneq ($(wildcard /opt/swift/usr/bin/swift),)
    export PATH := /opt/swift/usr/bin:$(PATH)
  endif
endif

SWIFT ?= swift
RELEASE_SCRATCH ?= .build-release
# --no-export-dynamic: the binary exports no symbols (SwiftPM asks for all ~31,000 to be exported), so the dynamic
# loader and the Swift runtime's start-up (dladdr) have far fewer to go through: ~2 ms less per hook, 1.8 MiB less.
RELEASE_FLAGS := -c release --static-swift-stdlib --scratch-path $(RELEASE_SCRATCH) -Xlinker --no-export-dynamic
CHARM_BINARY := bin/docker-registry-charm
# charm-sim for the benchmarks: release, Swift stdlib and Foundation linked in statically, not position-independent.
# Each hook-tool call is a charm-sim process; linked this way one costs ~2.3 ms instead of ~6 ms (no dynamic loading of
# Foundation and ICU, no relocation of the binary's ~77,000 pointers). Fully static (-static-executable) does not work:
# swift-subprocess cannot find posix_spawn_file_actions_addchdir_np there.
SIM_RELEASE_SCRATCH ?= .build-sim-static
SIM_RELEASE_FLAGS := -c release --static-swift-stdlib --scratch-path $(SIM_RELEASE_SCRATCH) -Xlinker --no-export-dynamic \
	-Xlinker -no-pie
CHARM_FILE ?= docker-registry.charm
SIM_STATE ?= .charm-sim
CHARM_TOOLS_VENV ?= /opt/charm-tools-venv
CHARM_PROOF ?= $(CHARM_TOOLS_VENV)/bin/charm-proof
CHARMCRAFT_VENV ?= /opt/charmcraft-venv
CHARMCRAFT ?= $(CHARMCRAFT_VENV)/bin/charmcraft

# Images built by scripts/test-env.sh; the integration tests and `make try` use these tags.
REGISTRY_IMAGE ?= localhost/registry:test
# The same Debian binary laid out like the official registry:2 and registry:3 images (entrypoint script, config path).
REGISTRY_V2_IMAGE ?= localhost/registry:2-layout
REGISTRY_V3_IMAGE ?= localhost/registry:3-layout
BUSYBOX_IMAGE ?= localhost/busybox:test
export REGISTRY_IMAGE REGISTRY_V2_IMAGE REGISTRY_V3_IMAGE BUSYBOX_IMAGE CHARM_TOOLS_VENV CHARM_PROOF CHARMCRAFT_VENV CHARMCRAFT
# scripts/ceph-backend.sh's state (its env file is what ObjectStorageIntegrationTests read).
CEPH_DIR ?= /run/charm-ceph
export CEPH_DIR

.PHONY: help
help:
	@echo "make try          build the charm and charm-sim, prepare this machine, deploy into $(SIM_STATE)"
	@echo "make test         test-env, charm (+ binary check), charm-proof and charmcraft analyse, swift build, swift test (integration on)"
	@echo "make charm        $(CHARM_BINARY) (release, static Swift stdlib, stripped) and $(CHARM_FILE)"
	@echo "make sim-release  $(SIM_RELEASE_SCRATCH)/release/charm-sim (the fast charm-sim the benchmarks use)"
	@echo "make test-env     scripts/test-env.sh: packages, dockerd, $(REGISTRY_IMAGE), $(BUSYBOX_IMAGE), charm-tools, charmcraft"
	@echo "make unit         swift test without the integration suites"
	@echo "make lint         swift format lint --strict, charm-proof and charmcraft analyse"
	@echo "make dashboard    templates/docker-registry-dashboard.json.xz.b64 from the dashboard JSON (cos-agent carries it so)"
	@echo "make clean        remove bin/, $(CHARM_FILE), $(RELEASE_SCRATCH)/, $(SIM_RELEASE_SCRATCH)/ and $(SIM_STATE)/"

## The full test run. Order matters: proof needs the built binary (dispatch and the action links point
## at it) and the packed charm, and the integration suites run the built charm.
.PHONY: test
test:
	scripts/test-env.sh >/dev/null
	$(SWIFT) format lint --strict -r Sources Tests
	scripts/check-c-boundary.sh
	$(MAKE) --no-print-directory charm
	$(MAKE) --no-print-directory proof
	$(SWIFT) build --build-tests
	# Serial: the integration suites share one dockerd, /etc/docker and port 5000. They run the shipped binary,
	# under charm-sim behaving as Juju 3.6, then again as Juju 4.0 (no leader settings, its hook order).
	# A one-node Ceph (radosgw: S3 and Swift) for the object-storage suite, stopped and removed even when a test fails.
	# The scale-out suite sets up its own hosts and its own Ceph and removes them; the trap also removes them if the
	# test process dies. It runs in the 3.6 pass only (about a minute and a half; it passes as 4.0 too).
	scripts/ceph-backend.sh start; trap 'scripts/ceph-backend.sh stop; $(SCALE_CLEANUP)' EXIT; \
	CHARM_INTEGRATION=1 CHARM_BINARY=$(CURDIR)/$(CHARM_BINARY) $(SWIFT) test --no-parallel; \
	CHARM_INTEGRATION=1 CHARM_SCALE_OUT=0 CHARM_JUJU_VERSION=4.0 CHARM_BINARY=$(CURDIR)/$(CHARM_BINARY) \
		$(SWIFT) test --no-parallel --filter IntegrationTests

# What the scale-out suite sets up (Tests/IntegrationTests/ScaleOutHosts.swift): its hosts and its Ceph.
SCALE_CLEANUP := SCALE_DIR=/run/charm-scale scripts/multi-host.sh down >/dev/null 2>&1; \
	CEPH_DIR=/run/charm-scale-ceph scripts/ceph-backend.sh stop >/dev/null 2>&1 || true

.PHONY: unit
unit:
	$(SWIFT) test

.PHONY: build
build:
	$(SWIFT) build

.PHONY: test-env
test-env:
	scripts/test-env.sh >/dev/null

## The charm binary: SwiftPM decides what to rebuild, so this always asks it.
.PHONY: binary
binary:
	@echo "swift build $(RELEASE_FLAGS) --product docker-registry-charm"
	@start=$$(date +%s); \
	$(SWIFT) build $(RELEASE_FLAGS) --product docker-registry-charm; \
	echo "release build: $$(( $$(date +%s) - start )) s"
	mkdir -p bin
	cp "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/docker-registry-charm" $(CHARM_BINARY).tmp
	strip $(CHARM_BINARY).tmp
	chmod 0755 $(CHARM_BINARY).tmp
	mv -f $(CHARM_BINARY).tmp $(CHARM_BINARY)

.PHONY: check-binary
check-binary:
	scripts/check-binary.sh $(CHARM_BINARY)

.PHONY: charm
charm: binary
	scripts/check-binary.sh $(CHARM_BINARY)
	scripts/pack-charm.sh $(CHARM_FILE)

## The dashboard as cos-agent carries it (base64 of its xz-compressed JSON), committed beside the JSON so that the
## charm needs no lzma at run time; a unit test fails when the two differ.
.PHONY: dashboard
dashboard:
	xz -9 -c templates/docker-registry-dashboard.json | base64 -w0 > templates/docker-registry-dashboard.json.xz.b64
	echo >> templates/docker-registry-dashboard.json.xz.b64

.PHONY: proof
proof:
	scripts/proof.sh $(CHARM_FILE)

.PHONY: format-lint
format-lint:
	$(SWIFT) format lint --strict -r Sources Tests
	scripts/check-c-boundary.sh

.PHONY: lint
lint: format-lint proof

## Try the charm on this machine with the local unit agent (no Juju controller needed).
## Every run starts from a fresh $(SIM_STATE); `make try-clean` removes it and the registry container.
.PHONY: sim
sim:
	$(SWIFT) build --product charm-sim

.PHONY: sim-release
sim-release:
	$(SWIFT) build $(SIM_RELEASE_FLAGS) --product charm-sim
	@echo "$$($(SWIFT) build $(SIM_RELEASE_FLAGS) --show-bin-path)/charm-sim"

.PHONY: try
try:
	scripts/test-env.sh >/dev/null
	$(MAKE) --no-print-directory charm
	$(MAKE) --no-print-directory sim
	rm -rf $(SIM_STATE)
	sim="$$($(SWIFT) build --show-bin-path)/charm-sim"; \
	"$$sim" --state-dir $(SIM_STATE) deploy . registry-image=$(REGISTRY_IMAGE); \
	"$$sim" --state-dir $(SIM_STATE) status

## Runs the charm's stop/remove sequence if a deployment exists, then removes the state. It removes
## no container itself (other tests may share this dockerd); it only says if one is left.
.PHONY: try-clean
try-clean:
	sim="$$($(SWIFT) build --show-bin-path)/charm-sim"; \
	if [[ -d $(SIM_STATE) && -x "$$sim" ]]; then "$$sim" --state-dir $(SIM_STATE) remove || true; fi
	rm -rf $(SIM_STATE)
	left="$$(docker ps -a --filter 'ancestor=$(REGISTRY_IMAGE)' --format '{{.Names}}' 2>/dev/null || true)"; \
	if [[ -n "$$left" ]]; then echo "containers from $(REGISTRY_IMAGE) still exist: $$left (docker rm -f NAME)"; fi

.PHONY: clean
clean:
	rm -rf bin $(CHARM_FILE) $(RELEASE_SCRATCH) $(SIM_RELEASE_SCRATCH) $(SIM_STATE)
