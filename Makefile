# Every target installs dependencies first when node_modules is missing or
# older than the lock file.
NODE_MODULES := node_modules/.package-lock.json

.PHONY: demo test test-embedded check bench build clean

$(NODE_MODULES): package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NODE_MODULES)

demo: $(NODE_MODULES)
	node bin/fluxbase-cli.js demo

test: $(NODE_MODULES)
	npx vitest run

test-embedded: $(NODE_MODULES)
	FLUXBASE_TEST_DB=embedded npx vitest run

check: $(NODE_MODULES)
	npx tsc -p tsconfig.json --noEmit
	npx biome check .

bench: $(NODE_MODULES)
	npx tsx bench/run.ts $(BENCH)

build: $(NODE_MODULES)
	npx tsc -p tsconfig.build.json

clean:
	rm -rf dist .fluxbase
