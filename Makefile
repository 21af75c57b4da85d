# mce-maestro-operator. Every target installs what it needs first (idempotent) and says so.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM_DEPS := node_modules/.package-lock.json
DEMO_ARGS ?=
TSX := node --import tsx

.PHONY: help
help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

$(NPM_DEPS): package-lock.json
	@bash hack/ensure-deps.sh npm

.PHONY: deps
deps: ## Install everything (npm packages, Debian packages, control plane, Maestro, validators).
	@bash hack/ensure-deps.sh

.PHONY: build
build: $(NPM_DEPS) ## Compile TypeScript to dist/.
	npx tsc -p tsconfig.build.json

.PHONY: lint
lint: $(NPM_DEPS) ## Type-check, eslint and prettier.
	npx tsc -p tsconfig.json --noEmit
	npx eslint .
	npx prettier --check .
	@bash hack/ensure-deps.sh console
	@echo "console/: strict type-check (its own tsconfig)"
	npm --prefix console run lint

.PHONY: test
test: ## Run every test: lint, unit, integration and e2e (installs what it needs).
	@bash hack/ensure-deps.sh
	$(MAKE) lint
	npm run test:unit
	npm --prefix console test
	# --forceExit: a test that times out can leave its own polling loop running; the run must end
	# with its verdict all the same (every child process dies with jest through its guard).
	npm run test:integration -- --runInBand --forceExit

.PHONY: test-unit
test-unit: $(NPM_DEPS) ## Unit tests only.
	npm run test:unit

.PHONY: bench
bench: ## Run the benchmarks and print their figures (JSON: make bench BENCH_ARGS=--json).
	@bash hack/ensure-deps.sh npm console browser control-plane ocm
	npx tsc -p tsconfig.build.json
	node --expose-gc --experimental-websocket --import tsx test/bench/run.ts $(BENCH_ARGS)

.PHONY: demo
demo: ## The main job, then the regional console (unattended: DEMO_ARGS=--headless; only the console: --console).
	@bash hack/ensure-deps.sh npm console browser control-plane hive ocm
	$(TSX) test/e2e/demo.ts $(DEMO_ARGS)

.PHONY: run
run: $(NPM_DEPS) ## Run the operator against the current kubeconfig.
	$(TSX) src/main.ts $(RUN_ARGS)

.PHONY: manifests
manifests: $(NPM_DEPS) ## Generate CRDs, RBAC and kustomize bases from the zod schemas.
	$(TSX) hack/manifests.ts

.PHONY: bundle
bundle: manifests ## Generate the OLM bundle from config/.
	$(TSX) hack/bundle.ts

.PHONY: dev-cluster
dev-cluster: ## Start a local control plane in the background and print its kubeconfig path.
	@bash hack/ensure-deps.sh npm control-plane ocm
	$(TSX) test/harness/dev-cluster.ts up

.PHONY: dev-cluster-down
dev-cluster-down: $(NPM_DEPS) ## Stop the local control plane started by dev-cluster.
	$(TSX) test/harness/dev-cluster.ts down
