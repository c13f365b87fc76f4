# sfprov: `make test` is the test command CI runs (see README.md).
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/sfprov/sfprov/internal/cli.Version=$(VERSION)

.PHONY: build test vet bench conformance fuzz clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/sfprov ./cmd/sfprov

test: vet
	$(GO) test ./...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

conformance:
	bash .ci/conformance.sh

clean:
	rm -rf bin
