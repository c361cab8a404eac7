# Everything a newcomer needs: `make demo`, `make test`. Each target installs what it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install browser demo up test test-fast lint typecheck bench migrate lock clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

browser:  ## Debian's Chromium, for the report's headless browser test
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { echo "installing chromium (Debian) for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: install  ## start everything, run the example audit, keep serving (DEMO_ONCE=1 exits)
	$(PY) -m cli.dev demo

up: install  ## the development stack in the foreground; Ctrl-C stops it all
	$(PY) -m cli.dev up

test: install browser  ## the whole suite, starting every service it needs
	$(PY) -m pytest

test-fast: install  ## everything but the real processes: unit, database and in-process workflow tests
	$(PY) -m pytest -m "not slow"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/hadolint Dockerfile

typecheck: install
	$(VENV)/bin/mypy .

migrate: install
	$(VENV)/bin/propertyaudit migrate

# requirements.lock, what the image installs: pyproject.toml's dependencies and the build backend,
# every file hashed, for the image's Python on any platform. Run after changing dependencies.
lock: install
	printf 'setuptools>=68\n' | $(VENV)/bin/uv pip compile pyproject.toml - --universal \
	  --python-version 3.11 --generate-hashes --quiet --custom-compile-command "make lock" \
	  --output-file requirements.lock

bench: install
	$(PY) -m bench.run

clean:
	rm -rf .data .pytest_cache .mypy_cache .ruff_cache
