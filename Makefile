# sfprov: `make test` is the test command CI runs (see README.md).
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/sfprov/sfprov/internal/cli.Version=$(VERSION)

.PHONY: build test vet lint-workflows bench conformance contract fuzz clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/sfprov ./cmd/sfprov

test: vet lint-workflows
	$(GO) test ./...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

# The example CI workflows under docs/ci (actionlint checks their run: scripts
# with shellcheck too when shellcheck is on PATH). actionlint comes from PATH,
# else from where go install puts it, else it is installed there first.
ACTIONLINT_VERSION ?= v1.7.12
WORKFLOWS := $(wildcard docs/ci/*.yml docs/ci/*.yaml)

lint-workflows:
	@[ -n "$(WORKFLOWS)" ] || { echo "no workflows under docs/ci"; exit 0; }; \
	al=$$(command -v actionlint || true); \
	if [ -z "$$al" ]; then \
		bin=$$($(GO) env GOBIN); [ -n "$$bin" ] || bin=$$($(GO) env GOPATH | cut -d: -f1)/bin; \
		al=$$bin/actionlint; \
		if [ ! -x "$$al" ]; then \
			echo "installing actionlint $(ACTIONLINT_VERSION) into $$bin"; \
			$(GO) install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION) || exit 1; \
		fi; \
	fi; \
	echo "$$al $(WORKFLOWS)"; \
	"$$al" -no-color $(WORKFLOWS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

conformance:
	bash .ci/conformance.sh

# The contract suite (docs/contract.md): against SFPROV_CONTRACT_ORG when set
# (an alias, an sf CLI org, or a URL with credentials in the environment),
# else a fresh `sfprov emulator serve`. SFPROV_CONTRACT_RECORD=DIR keeps the
# run's requests and answers, scrubbed, as fixtures; CONTRACT_ARGS passes
# flags to the suite, e.g. CONTRACT_ARGS=-allow-production.
CONTRACT_ARGS ?=
contract:
	$(GO) test -tags contract -count=1 -timeout 30m -v ./internal/contract -args $(CONTRACT_ARGS)

# Each fuzz target runs FUZZTIME (CI: 10s each, about a minute in all); the
# seeds are in the targets (f.Add), and a failing input is written under the
# package's testdata/fuzz/, where go test replays it from then on.
FUZZTIME ?= 10s
FUZZ_TARGETS := internal/spec:FuzzParse internal/spec:FuzzExpand internal/spec:FuzzCSV \
	internal/emulator/soql:FuzzParse internal/emulator:FuzzRequests

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=./$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

clean:
	rm -rf bin
