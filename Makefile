# OAA-Shop — `make run` serves the app on demo data, `make test` runs the whole suite.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= $(or $(STREAMLIT_SERVER_PORT),8501)
ADDRESS ?= $(or $(STREAMLIT_SERVER_ADDRESS),127.0.0.1)

AXE := node_modules/axe-core/axe.min.js

.PHONY: run test install lint typecheck check browser bench scale-data bench-scale clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 oder neuer wird benötigt."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/oaa db upgrade
	OAA_DEMO=$${OAA_DEMO:-1} OAA_APP_BASE_URL=$${OAA_APP_BASE_URL:-http://$(ADDRESS):$(PORT)} $(BIN)/oaa demo seed --if-empty
	OAA_DEMO=$${OAA_DEMO:-1} OAA_APP_BASE_URL=$${OAA_APP_BASE_URL:-http://$(ADDRESS):$(PORT)} $(BIN)/streamlit run server.py --server.port $(PORT) --server.address $(ADDRESS)

# Browser tests need a Chromium: Debian's at /usr/bin/chromium, else Playwright's own; and axe-core (npm) for the
# accessibility check, pinned in package.json / package-lock.json.
browser: $(STAMP) $(AXE)
	@if [ -x /usr/bin/chromium ] || [ -n "$$OAA_CHROMIUM" ]; then :; \
	else echo "Kein Debian-Chromium gefunden: installiere Playwrights Chromium."; $(BIN)/playwright install chromium; fi

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm wird für axe-core (Barrierefreiheitstest) benötigt: Node.js installieren."; exit 1; }
	npm ci --no-audit --no-fund
	@touch $(AXE)

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy .

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python bench/bench_accounts.py
	$(BIN)/python bench/bench_catalog.py
	$(BIN)/python bench/bench_documents.py
	$(BIN)/python bench/bench_mails.py
	$(BIN)/python bench/bench_questionnaire.py
	$(BIN)/python bench/bench_demo.py

# Scale data set of issue #8 (11,000 municipalities, 100,000 ordered products, 1,000,000 audit events …) in
# databases of their own: var/scale.sqlite3 and the PostgreSQL database $(SCALE_PG) (both recreated, ~2–3 min each).
# `make bench-scale` then times every page on both; add SCALE_ARGS=--small to scale-data for a quick run.
SCALE_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432/oaa_scale
scale-data: $(STAMP)
	$(BIN)/python bench/scale/generate.py --fresh --database sqlite:///$(CURDIR)/var/scale.sqlite3 $(SCALE_ARGS)
	$(BIN)/python bench/scale/generate.py --fresh --database $(SCALE_PG) $(SCALE_ARGS)

bench-scale: $(STAMP)
	@test -f var/scale.sqlite3 || { echo "Erst die Skalierungsdaten anlegen: make scale-data"; exit 1; }
	$(BIN)/python bench/bench_pages.py --database sqlite:///$(CURDIR)/var/scale.sqlite3 --postgres $(SCALE_PG)

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .mypy_cache .ruff_cache
