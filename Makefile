# AdmissionGuard developer commands. `make help` lists them.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIGURATION ?= Debug
SOLUTION := AdmissionGuard.sln
GUARD := src/AdmissionGuard/AdmissionGuard.csproj
PLAYGROUND := src/AdmissionGuard.Playground/AdmissionGuard.Playground.csproj
BENCHMARKS := bench/AdmissionGuard.Benchmarks/AdmissionGuard.Benchmarks.csproj
BENCHMARKS_DLL := bench/AdmissionGuard.Benchmarks/bin/Release/net10.0/AdmissionGuard.Benchmarks.dll
BASELINE := bench/AdmissionGuard.LoadBaseline/AdmissionGuard.LoadBaseline.csproj
RESULTS := TestResults
# Test projects end in Tests; test/AdmissionGuard.Testing is their shared helper library.
TEST_PROJECTS := $(wildcard test/*Tests/*.csproj)
IMAGE ?= admissionguard:dev

.DEFAULT_GOAL := help
.PHONY: help build test run sandbox-up sandbox-down certs bench fuzz load publish docker-build format format-check clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: ## build everything (warnings are errors)
	$(DOTNET) build $(SOLUTION) -c $(CONFIGURATION) -nologo -clp:ErrorsOnly

test: build ## run every test; the last line is "N passed, N failed, N skipped"
	@rm -rf $(RESULTS)
	@$(DOTNET) test $(SOLUTION) -c $(CONFIGURATION) --no-build -nologo \
		--logger trx --results-directory $(RESULTS) --blame-hang-timeout 5m \
		|| true
	@scripts/test-summary.sh $(RESULTS) $(words $(TEST_PROJECTS))

run: build ## the demo: the Cilium story on the embedded sandbox, with a timeline and a summary
	$(DOTNET) run --project $(PLAYGROUND) -c $(CONFIGURATION) --no-build -- demo

sandbox-up: build ## sandbox + guard in the background; kubeconfig at .sandbox/kubeconfig (SANDBOX_ARGS=--seed)
	@CONFIGURATION=$(CONFIGURATION) DOTNET=$(DOTNET) scripts/sandbox.sh up --no-build $(SANDBOX_ARGS)

sandbox-down: ## stop what sandbox-up started
	@scripts/sandbox.sh down

certs: ## dev CA and serving certificate in certs/ (openssl)
	@certs/generate.sh

bench: ## benchmarks (BenchmarkDotNet, Release), then the healing-time scenario against Cilium's pace
	$(DOTNET) run --project bench/AdmissionGuard.Benchmarks -c Release -- --filter '*' $(BENCH_ARGS)
	$(DOTNET) run --project bench/AdmissionGuard.Benchmarks -c Release --no-build -- healing-scenario

FUZZ_N ?= 100000
FUZZ_SEED ?= 1
fuzz: ## mutated AdmissionReviews against the guard over HTTPS (FUZZ_N, FUZZ_SEED); last line "fuzz: inputs=N 5xx=N timeouts=N crashes=N"
	$(DOTNET) build $(BENCHMARKS) -c Release -nologo -clp:ErrorsOnly
	@# The command alone, no pipe and no `dotnet run` between: SIGTERM and Ctrl+C reach it, and it ends with its verdict.
	$(DOTNET) $(BENCHMARKS_DLL) fuzz $(FUZZ_N) $(FUZZ_SEED)

LOAD_SECONDS ?= 30
load: ## the guard (serve, 1,000 nodes) vs a bare Kestrel endpoint: wrk throughput, hey p99 at 1,000 req/s, alternating every 2 s (LOAD_SECONDS per path and side); last line "load: gate=R warn=R binding=R p99_ratio=R"
	@missing=; for tool in wrk hey; do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
		echo "make load: installing$$missing (Debian packages)"; \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		{ $$sudo apt-get install -y $$missing || { $$sudo apt-get update -qq && $$sudo apt-get install -y $$missing; }; } \
			|| { echo "make load: needs$$missing on PATH (apt-get update && apt-get install -y$$missing)" >&2; exit 2; }; \
	fi
	$(DOTNET) build $(BENCHMARKS) -c Release -nologo -clp:ErrorsOnly
	$(DOTNET) build $(BASELINE) -c Release -nologo -clp:ErrorsOnly
	$(DOTNET) $(BENCHMARKS_DLL) load --seconds $(LOAD_SECONDS) \
		--guard src/AdmissionGuard/bin/Release/net10.0/admissionguard.dll \
		--baseline bench/AdmissionGuard.LoadBaseline/bin/Release/net10.0/AdmissionGuard.LoadBaseline.dll

publish: ## framework-dependent publish to artifacts/publish, as the Dockerfile does it
	$(DOTNET) publish $(GUARD) -c Release -o artifacts/publish -nologo

docker-build: ## container image (needs a Docker engine)
	docker build -t $(IMAGE) .

format: ## apply code style
	$(DOTNET) format $(SOLUTION)

format-check: ## fail when code style is off
	$(DOTNET) format $(SOLUTION) --verify-no-changes

clean: ## remove build output
	$(DOTNET) clean $(SOLUTION) -nologo -v q
	rm -rf $(RESULTS) artifacts .sandbox
