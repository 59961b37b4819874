# `make demo` and `make test` do every set-up step on a fresh machine and are cheap to repeat.
SHELL := /bin/bash
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PYTHON ?= python3
export SOLCX_BINARY_PATH := $(CURDIR)/.solcx
export PATH := $(BIN):$(PATH)
# The EVM target (paris, shanghai, cancun): `make build LUXPASS_EVM=shanghai`; brownie-config.yaml
# holds the default (exported only when set: brownie reads an empty value as the target).
ifdef LUXPASS_EVM
export LUXPASS_EVM
endif

.PHONY: setup build browser slither lint-imports docs test test-chains fuzz bench bench-targets demo clean geth test-net demo-net bench-net bench-net-crash avalanche test-avalanche demo-avalanche

setup: $(VENV)/.installed node_modules/.installed $(SOLCX_BINARY_PATH)/.installed $(BIN)/anvil $(BIN)/cast

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# The eth-brownie wheel is compiled with mypyc and breaks here; build it from source.
	BROWNIE_NOCOMPILE=1 $(BIN)/pip install -q --no-binary eth-brownie -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(SOLCX_BINARY_PATH)/.installed: node_modules/.installed tools/solc-shim.js tools/install-solc-shim.sh
	sh tools/install-solc-shim.sh
	touch $@

$(BIN)/anvil: node_modules/.installed $(VENV)/.installed
	ln -sf "$(CURDIR)/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil" $@
	$@ --version | head -1

# Foundry's cast (npm), which the docs and the error hints name, beside luxpass in .venv/bin.
$(BIN)/cast: node_modules/.installed $(VENV)/.installed
	ln -sf "$(CURDIR)/node_modules/@foundry-rs/cast-linux-amd64/bin/cast" $@
	$@ --version | head -1

# The package carries the ABIs and bytecode it needs (src/luxpass/contracts, generated, not committed),
# and the owner pages' script bundled from js/owner with viem and mipd (src/luxpass/web/static, the same).
# brownie rebuilds a contract whose own file changed, not one whose imports did (an interface, a
# library): after any change to a .sol file since the last build, everything is built again.
build: setup
	@if [ -e build/.sources ] && [ -n "$$(find contracts interfaces -name '*.sol' -newer build/.sources)" ]; then \
		echo "a contract source changed since the last build: building every contract again"; \
		rm -rf build/contracts build/interfaces; fi
	$(BIN)/brownie compile
	@touch build/.sources
	$(BIN)/python tools/package_contracts.py
	node tools/build_js.mjs

# Debian's Chromium and its driver, for the browser tests (tests/test_browser.py).
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver)

# Every Slither detector on contracts/; fails on high/medium and on anything slither.triage.md does not justify.
slither: setup
	$(BIN)/python tools/slither_gate.py

# The package's layers import one way (pyproject.toml [tool.importlinter], ARCHITECTURE.md).
lint-imports: setup
	$(BIN)/lint-imports

# The guides in docs/ (mkdocs.yml), into build/site; --strict fails on a broken link or nav entry.
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

test: build browser slither lint-imports docs
	$(BIN)/pytest --durations=12 tests

# The suite on other nodes, each started by the tests (tests/chains/nodes.py): Ganache 7 and the Hardhat
# node from npm, and Anvil at the Shanghai hardfork, the contracts built for shanghai; one line per node.
# Every contract test, the ERC-721 conformance through cast, what differs between nodes, and the CLI's
# story of every role (council, brand, owner, reseller, marketplace, auditor), its careless-input paths
# and the brownie scripts; then `make demo`'s story on a fresh node of the same kind (demo/demo.py
# --rpc-url), its step count in the same line.
# Left out, to keep three nodes within ~30 minutes (each of these passed on Ganache): bulk jobs, batches,
# chips, the competitor's search, the library, hostile input and the page; the tests of `luxpass node`
# and of RPC faults (they run Anvil processes of their own), the browser, and the tests that need no
# chain. Leaves the default build.
CHAIN_NODES := ganache hardhat anvil-shanghai
# The invariant machine's steps per node (240 in `make test`): Ganache and Hardhat trace every refusal.
CHAIN_FUZZ_STEPS := 10
CHAIN_TESTS := tests/contracts tests/test_cli.py tests/test_resale.py tests/test_hurried_user.py \
	tests/test_audit.py tests/test_screen.py tests/test_scripts.py tests/test_erc721_conformance.py \
	tests/test_node_neutral.py
# Where tests/chains/nodes.py starts each node (brownie's development port).
CHAIN_RPC_URL := http://127.0.0.1:8545
test-chains: build
	LUXPASS_EVM=shanghai $(BIN)/brownie compile >/dev/null && $(BIN)/python tools/package_contracts.py >/dev/null
	@failed=""; for node in $(CHAIN_NODES); do \
		start=$$(date +%s); log=build/test-chains-$$node.log; demo=build/test-chains-$$node-demo.log; \
		LUXPASS_EVM=shanghai LUXPASS_TEST_NODE=$$node LUXPASS_FUZZ_STEPS=$(CHAIN_FUZZ_STEPS) $(BIN)/pytest -q $(CHAIN_TESTS) >$$log 2>&1 || failed="$$failed $$node"; \
		tests=$$(( $$(date +%s) - start )); \
		if $(BIN)/python tests/chains/nodes.py $$node $(BIN)/python demo/demo.py --rpc-url $(CHAIN_RPC_URL) >$$demo 2>&1; \
		then story="demo passed, $$(grep -c '^  \$$ luxpass' $$demo) steps"; \
		else story="demo FAILED: $$(tail -1 $$demo)"; failed="$$failed $$node-demo"; fi; \
		echo "$$node: $$(grep -E '[0-9]+ (passed|failed|errors?)' $$log | tail -1 | tr -d '=' | xargs); $$story" \
			"($$tests s + $$(( $$(date +%s) - start - tests )) s, logs $$log $$demo)"; \
	done; \
	$(BIN)/brownie compile >/dev/null && $(BIN)/python tools/package_contracts.py >/dev/null; \
	if [ -n "$$failed" ]; then echo "test-chains failed on:$$failed" >&2; \
		for node in $$failed; do tail -n 40 build/test-chains-$$node.log >&2; done; exit 1; fi

# The invariant state machine with many thousands of steps; prints its figures.
fuzz: build
	LUXPASS_FUZZ_STEPS=$${LUXPASS_FUZZ_STEPS:-5000} $(BIN)/pytest -s tests/contracts/test_invariants.py

demo: build browser
	$(BIN)/python demo/demo.py

# Gas and size of each EVM target side by side (bench/targets.py), then gas and throughput beside the
# like-for-like baselines, timings the median of several runs (bench/run.py); writes bench/targets.json,
# bench/results.json and the tables of docs/results.md; then the gas of each owner action relayed
# beside the same action sent by the owner (bench/relayed.py).
bench: build
	$(BIN)/python bench/targets.py
	$(BIN)/python bench/run.py
	$(BIN)/python bench/relayed.py

# geth v1.13.15, the last release that seals Clique proof-of-authority blocks, built from the Go module
# proxy into .tools/ once; -checklinkname=0 lets its memsize package link on Go 1.23 and later.
# Go compiles one package at a time here, to leave the shared cores to others; CI, alone on its
# machine, passes GO_JOBS=2.
GO_JOBS ?= 1
GETH := .tools/geth/bin/geth
geth: $(GETH)
$(GETH):
	@command -v go >/dev/null || (echo "error: go is not installed; install the Go toolchain to build geth" >&2; exit 1)
	GOBIN=$(CURDIR)/.tools/geth/bin GOFLAGS=-p=$(GO_JOBS) nice -n 10 go install -ldflags=-checklinkname=0 \
		github.com/ethereum/go-ethereum/cmd/geth@v1.13.15
	$@ version | head -2

# The consortium's L1 on Avalanche: avalanchego and the subnet-evm plugin (named by its VM ID, as
# avalanchego's --plugin-dir wants), built from the Go module proxy's sources once and cached in .tools/.
AVALANCHE_DIR := .tools/avalanche
AVALANCHEGO := $(AVALANCHE_DIR)/bin/avalanchego
SUBNET_EVM := $(AVALANCHE_DIR)/plugins/srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy
AVALANCHE_L1 := $(AVALANCHE_DIR)/bin/luxpass-l1
avalanche: $(AVALANCHEGO) $(SUBNET_EVM) $(AVALANCHE_L1)
$(AVALANCHEGO):
	@command -v go >/dev/null || (echo "error: go is not installed; install the Go toolchain to build avalanchego" >&2; exit 1)
	GOBIN=$(CURDIR)/$(AVALANCHE_DIR)/build GOFLAGS=-p=$(GO_JOBS) nice -n 19 go install github.com/ava-labs/avalanchego/main@v1.13.5
	mkdir -p $(@D) && mv $(AVALANCHE_DIR)/build/main $@
	$@ --version
# subnet-evm v0.7.9's VM through tools/subnet-evm-plugin: its own plugin/main.go exits when it cannot
# raise the open-files limit to 32768, above this machine's hard limit (20000).
$(SUBNET_EVM): tools/subnet-evm-plugin/main.go tools/subnet-evm-plugin/go.mod
	@command -v go >/dev/null || (echo "error: go is not installed; install the Go toolchain to build subnet-evm" >&2; exit 1)
	cd tools/subnet-evm-plugin && GOFLAGS=-p=$(GO_JOBS) nice -n 19 go build -o $(CURDIR)/$@ .
	$@ --version
# The P-chain side of the consortium's L1 (staking keys, genesis, the L1's transactions) on avalanchego's packages.
$(AVALANCHE_L1): tools/avalanche-l1/main.go tools/avalanche-l1/go.mod
	cd tools/avalanche-l1 && GOFLAGS=-p=$(GO_JOBS) nice -n 19 go build -o $(CURDIR)/$@ .

# The consortium's L1 on four avalanchego nodes (tests/avalanche, not part of `make test`), in a
# network namespace of its own so that its ports never meet another run's.
test-avalanche: build browser avalanche
	unshare --net bash -c 'ip link set lo up && LUXPASS_TEST_AVALANCHE=1 LUXPASS_AVALANCHE=$(CURDIR)/$(AVALANCHE_DIR) $(BIN)/pytest tests/avalanche'

# The consortium's own chain: four geth nodes under Clique (tests/net, not part of `make test`).
test-net: build $(GETH)
	LUXPASS_GETH=$(CURDIR)/$(GETH) LUXPASS_TEST_NET=1 $(BIN)/pytest tests/net

# `make demo`'s story on the four-node network, each house signing with its keystore on its own node.
demo-net: build $(GETH)
	LUXPASS_GETH=$(CURDIR)/$(GETH) $(BIN)/python demo/demo.py --net

# `make demo`'s story on the consortium's L1: four avalanchego validators, each house on its own node.
demo-avalanche: build browser avalanche
	LUXPASS_AVALANCHE=$(CURDIR)/$(AVALANCHE_DIR) $(BIN)/python demo/demo.py --avalanche

# Passports minted and listings screened a second, and send to final, on the four-node Clique network and
# the four-validator Avalanche L1, beside one Anvil.
bench-net: build $(GETH) avalanche
	LUXPASS_GETH=$(CURDIR)/$(GETH) LUXPASS_AVALANCHE=$(CURDIR)/$(AVALANCHE_DIR) $(BIN)/python bench/net.py

# Which geth storage settings keep every confirmed block through a power loss (bench/net_crash.py).
bench-net-crash: build $(GETH)
	LUXPASS_GETH=$(CURDIR)/$(GETH) $(BIN)/python bench/net_crash.py

# Gas and size of each EVM target side by side (bench/targets.json), the part of `make bench` that
# builds each target in build/targets/TARGET; leaves the default build.
bench-targets: setup
	$(BIN)/python bench/targets.py

clean:
	rm -rf $(VENV) node_modules .solcx build .demo .demo-net .demo-avalanche .tools
