# Clientelitis: the two commands a newcomer needs are `make start` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8866
HOST_IP := $(shell hostname -I 2>/dev/null | awk '{print $$1}')
PUBLIC_URL ?= http://$(if $(HOST_IP),$(HOST_IP),localhost):$(PORT)

.PHONY: start lab test bench screenshots install install-test chromium postgresql fonts demo clean

# After every install: our Voila template where Voila finds it.
PUBLISH = $(BIN)/python -c "from widgets.serving import voila_template; assert voila_template.install()"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# setuptools' notice that an editable install is one (a warning block in the facilitator's terminal) is silenced.
PIP_INSTALL = PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e .
	$(PUBLISH)
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e ".[test]"
	$(PUBLISH)
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test chromium postgresql fonts

# Browser tests drive Debian's chromium (Playwright's own browser download is not used).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The store's tests also run against a real PostgreSQL server started by the test run (Debian's package).
postgresql:
	@ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || { \
	  echo "Installing Debian's postgresql for the store tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

# Emoji as phones show them (rating faces), also in the browser tests' screenshots.
fonts:
	@fc-list 2>/dev/null | grep -qi "Noto Color Emoji" || { \
	  echo "Installing Debian's fonts-noto-color-emoji for the browser tests' screenshots..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-noto-color-emoji >/dev/null; }

demo: install
	@$(BIN)/clientelitis --base http://localhost:$(PORT) demo

# Our notebooks are trusted by this install (Voila warns once per page of a notebook it has not signed).
start: install
	@$(BIN)/clientelitis check
	@$(BIN)/jupyter trust workshops/*.ipynb >/dev/null
	@echo ""
	@echo "Clientelitis is starting on http://localhost:$(PORT)"
	@echo "  Welcome (join a room):           http://localhost:$(PORT)/voila/render/00_bienvenida.ipynb"
	@echo "  Participants on this network:    $(PUBLIC_URL)/voila/render/00_bienvenida.ipynb"
	@echo ""
	@$(BIN)/clientelitis --base http://localhost:$(PORT) --public $(PUBLIC_URL) demo
	@echo ""
	@$(BIN)/clientelitis --base http://localhost:$(PORT) organiser
	@echo ""
	CLIENTELITIS_PUBLIC_URL=$${CLIENTELITIS_PUBLIC_URL:-$(PUBLIC_URL)} \
	  $(BIN)/voila workshops --port=$(PORT) --no-browser --Voila.ip=0.0.0.0

# JupyterLab on the workshops, for facilitators who read or adapt them (LAB_PORT= overrides 8888).
LAB_PORT ?= 8888
LAB_ARGS ?=
lab: install
	$(BIN)/jupyter lab --ServerApp.root_dir=workshops --ServerApp.port=$(LAB_PORT) \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) $(LAB_ARGS)

test: install-test
	$(BIN)/python -m pytest

bench: install-test
	$(BIN)/python -m tests.bench

# The README's pictures (docs/img), taken from the demo room by a real server and browser.
screenshots: install-test
	$(BIN)/python -m tests.screenshots

clean:
	rm -rf $(VENV) var .pytest_cache
