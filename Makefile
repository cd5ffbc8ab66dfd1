# protopact: two commands on a fresh machine.
#   make run   set up, then build, lint, check and generate the repo's own proto/
#   make test  set up (dev tools, buf from npm, chromium) and run the whole suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PROTOPACT := $(VENV)/bin/protopact
BUF    := node_modules/.bin/buf
STAMP  := $(VENV)/.installed

.PHONY: install dev-tools system-deps run test bench clean

# generated/ is checked byte for byte (`generate --check`), and what the code generators write names
# their versions (grpc's stubs require the grpcio they were made with): these stay fixed here, so a
# new release does not make a fresh machine's generated/ differ. Raise them with `protopact generate`.
GENERATORS := grpcio-tools==1.85.1 protobuf==7.36.2 mypy-protobuf==5.1.0 \
              betterproto2-compiler==0.10.1 googleapis-common-protos==1.76.0 \
              grpc-gateway-protoc-openapiv2==2.25.1.0

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]' $(GENERATORS)
	touch $@

install: $(STAMP)

$(BUF): package.json
	npm install --no-audit --no-fund --silent
	touch $@

# Debian packages the browser test needs; skipped when already present.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

dev-tools: install $(BUF) system-deps

IMAGE := build/protopact.binpb

# The main job on the repo's own proto/. Each step stops the run on failure.
run: install
	@mkdir -p build
	@echo "== build: proto/ -> $(IMAGE)"
	@$(PROTOPACT) build proto -o $(IMAGE)
	@$(PY) -c "from protopact.compile.inputs import read_image_file as r; from pathlib import Path; \
	i = r(Path('$(IMAGE)'), '$(IMAGE)'); print(f'   {len(i.targets)} target files, {len(i.files)} files with imports')"
	@echo "== lint"
	@$(PROTOPACT) lint && echo "   clean"
	@echo "== breaking: the workspace against the main branch"
	@if git rev-parse --verify --quiet main >/dev/null; then \
	  $(PROTOPACT) breaking --against '.git#branch=main' && echo "   no breaking changes"; \
	else echo "   skipped: no main branch"; fi
	@echo "== generate: proto/ -> generated/ (Python package, OpenAPI, docs)"
	@$(PROTOPACT) generate

test: dev-tools
	$(PROTOPACT) generate --check
	PATH="$(CURDIR)/node_modules/.bin:$$PATH" $(PY) -m pytest -n 2 --dist loadgroup

# The googleapis-sized corpus (scale 1) takes about 25 minutes here; BENCH_SCALE=0.25 about 8.
BENCH_SCALE ?= 1
BENCH_RUNS  ?= 3
bench: dev-tools
	PATH="$(CURDIR)/node_modules/.bin:$$PATH" $(PY) benchmarks/run.py --scale $(BENCH_SCALE) --runs $(BENCH_RUNS)
	$(PY) benchmarks/gateway.py
	$(PY) benchmarks/validation.py
	$(PY) benchmarks/deps.py
	PATH="$(CURDIR)/node_modules/.bin:$$PATH" $(PY) benchmarks/format.py --scale $(BENCH_SCALE) --runs $(BENCH_RUNS)
	$(PY) benchmarks/streams.py --streams 1000 --seconds 60

clean:
	rm -rf $(VENV) node_modules .pytest_cache
