# The Lancashire Health & Wellbeing evidence book. `make help` lists the targets.
# On first use (and whenever requirements.lock changes) .venv is rebuilt from the lock.

SHELL       := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON      ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
HWB         := $(VENV)/bin/hwb
STAMP       := $(VENV)/.installed-from-lock
UV_VERSION  := 0.13.8
UV          := $(VENV)/.uv/bin/uv
INSTALLER   ?= uv

district    ?=
partnership ?=
SNAPSHOT    ?=
FORCE       ?=
J           ?=
PORT        ?= 8000
BENCH_FLAGS ?= --runs 3 --areas 300
SOURCES     ?= ../shared/data

# What a person types (`make district=…`) reaches commands only as data. A value given on
# the command line or in the environment is kept literally (make does not expand `$(…)`
# in it), and recipes read it from the environment as "$$district", never pasted into the
# shell's text, so quotes, backticks and `;` in it are just characters. Options are given
# as --name=value and names after `--`, so a value starting with `-` is not an option.
USER_VARIABLES := district partnership SNAPSHOT FORCE J PORT CHROMIUM HWB_CHROMIUM BENCH_FLAGS SOURCES INSTALLER
$(foreach v,$(USER_VARIABLES),$(if $(filter command% environment%,$(origin $(v))),$(eval override $(v) := $$(value $(v)))))
export district partnership SNAPSHOT FORCE J PORT BENCH_FLAGS SOURCES

HWB_FLAGS := $(if $(SNAPSHOT),--snapshot="$$SNAPSHOT") $(if $(FORCE),--force) $(if $(J),--jobs="$$J")

.DEFAULT_GOAL := default
.PHONY: default help pack all book test data assemble clean lock venv
.PHONY: pdf pdfs check-rendered diff serve test-prerequisites

default: ## with partnership=<slug> or district=<slug>: render that partnership's pack, build the book, print its page (else: this help)
ifneq ($(strip $(partnership)),)
	@$(MAKE) --no-print-directory pack
else ifneq ($(strip $(district)),)
	@$(MAKE) --no-print-directory pack
else
	@$(MAKE) --no-print-directory help
endif

help: ## list the targets
	@echo "Lancashire Health & Wellbeing evidence book"
	@echo
	@echo "  make partnership=fylde-and-wyre   render that partnership's pack, build the book, print the page"
	@echo "  make district=south-ribble        render the pack of the district's partnership (says which)"
	@echo "                                    (SNAPSHOT=<dir|csv> another snapshot; FORCE=1 re-execute)"
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | grep -v '^default:' \
	  | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-20s %s\n", $$1, $$2}'

# The lock is installed by uv (UV_VERSION, itself installed by the venv's own pip into
# $(VENV)/.uv, outside site-packages): the same versions as pip installs, compiled to
# bytecode as pip compiles them, in a third of the time. `rm -rf .venv; make venv
# INSTALLER=pip` installs with pip instead.
ifeq ($(filter uv pip,$(INSTALLER)),)
$(error INSTALLER is uv or pip, not '$(INSTALLER)')
endif
$(STAMP): requirements.lock
	@echo "Creating $(VENV) from requirements.lock (first use or the lock changed)…"
	@rm -rf $(VENV)
	@$(PYTHON) -m venv $(VENV)
ifeq ($(INSTALLER),pip)
	@$(PY) -m pip install -qq --disable-pip-version-check -r requirements.lock
	@$(PY) -m pip install -qq --disable-pip-version-check --no-deps --no-build-isolation -e .
else
	@$(PY) -m pip install -qq --disable-pip-version-check --target=$(VENV)/.uv uv==$(UV_VERSION)
	@$(UV) pip install -q --python=$(PY) --compile-bytecode -r requirements.lock
	@$(UV) pip install -q --python=$(PY) --no-deps --no-build-isolation -e .
endif
	@touch $(STAMP)

venv: $(STAMP) ## create or refresh the pinned environment in .venv (installed by uv; INSTALLER=pip: by pip)

pack: $(STAMP) ## render one partnership's pack (partnership=<slug> or district=<slug>), build the book, print the page path
	@if [ -n "$$partnership" ]; then $(HWB) partnership $(HWB_FLAGS) -- "$$partnership"; \
	  else $(HWB) district $(HWB_FLAGS) -- "$$district"; fi

all: $(STAMP) ## render the 10 partnership packs and the Lancashire overview, then build the book
	@$(HWB) build $(HWB_FLAGS)

book: $(STAMP) ## build the Jupyter Book from the already-rendered pages
	@$(HWB) book

data: $(STAMP) ## refresh data/snapshot/ from the OHID Fingertips API (needs network)
	@$(HWB) data fetch

assemble: $(STAMP) ## rebuild the shipped real snapshot from the public copies in SOURCES (default ../shared/data)
	@$(HWB) data assemble -- "$$SOURCES"

# check-rendered runs alongside pytest (together they keep both cores busy: each alone
# leaves one idle at times); its report is printed after pytest's. Every step runs even if
# an earlier one failed, and the exit status is non-zero if any failed. How pytest-xdist
# shares the tests out between the cores: tests/conftest.py.
test: $(STAMP) test-prerequisites ## lint (ruff check and format, import contracts), then every test on all cores while check-rendered checks the committed pages are current
	@status=0; $(PY) -m ruff check src tests bench || status=$$?; \
	  $(PY) -m ruff format --check src tests bench || status=$$?; \
	  $(VENV)/bin/lint-imports --no-cache || status=$$?; \
	  mkdir -p build; $(PUBLISH) check-rendered >build/check-rendered.log 2>&1 & checker=$$!; \
	  $(PY) -m pytest -n auto || status=$$?; \
	  checked=0; wait $$checker || checked=$$?; \
	  echo "check-rendered (run alongside the tests; exit status $$checked):"; \
	  cat build/check-rendered.log; [ $$checked -eq 0 ] || status=$$checked; exit $$status

# ---- publishing and review (src/hwb/publish) ---------------------------------------------
PUBLISH    := $(HWB)
CHROMIUM   ?= $(if $(HWB_CHROMIUM),$(HWB_CHROMIUM),/usr/bin/chromium)
export CHROMIUM
NODE_STAMP := node_modules/.installed-from-lock
SUDO       := $(if $(filter 0,$(shell id -u)),,sudo)

# pdf and diff take partnership=<slug> or district=<slug> (a district means its partnership's
# pack; partnership wins when both are given, as for `pack`), read as "$${partnership:-$$district}".
pdf: $(STAMP) $(CHROMIUM) ## with partnership=<slug> or district=<slug>: render and build the partnership's page, print book/_build/pdf/<partnership>.pdf (A4)
	@test -n "$$partnership$$district" || { echo "usage: make pdf partnership=<slug> (or district=<slug>)" >&2; exit 2; }
	@$(MAKE) --no-print-directory pack
	@$(PUBLISH) pdf $(if $(SNAPSHOT),--snapshot="$$SNAPSHOT") -- "$${partnership:-$$district}"

pdfs: $(STAMP) $(CHROMIUM) ## render and build every page, print every partnership's A4 PDF to book/_build/pdf/
	@$(MAKE) --no-print-directory all
	@$(PUBLISH) pdf $(if $(SNAPSHOT),--snapshot="$$SNAPSHOT")

check-rendered: $(STAMP) ## re-render the committed packs in a scratch folder; fail naming any that differ
	@$(PUBLISH) check-rendered

diff: $(STAMP) ## with partnership=<slug> or district=<slug>: nbdime diff of a fresh render against the committed pack
	@test -n "$$partnership$$district" || { echo "usage: make diff partnership=<slug> (or district=<slug>)" >&2; exit 2; }
	@$(PUBLISH) diff-rendered -- "$${partnership:-$$district}"

serve: $(STAMP) ## preview the built book at http://127.0.0.1:8000/ (PORT=<n> for another port)
	@$(PUBLISH) serve --port="$$PORT"

test-prerequisites: $(CHROMIUM) $(NODE_STAMP) ## install what browser tests need: Debian's chromium, axe-core (npm ci)

$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests and PDFs (apt-get)…"
	@$(SUDO) apt-get update -qq
	@DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null
	@test -x "$$CHROMIUM" || { echo "chromium did not install at $$CHROMIUM" >&2; exit 1; }

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lock: ## re-resolve requirements.lock from pyproject.toml (needs the package registry)
	@rm -rf build/lock-venv && $(PYTHON) -m venv build/lock-venv
	@build/lock-venv/bin/pip install -qq --disable-pip-version-check '.[test]'
	@{ echo "# Lock file: every transitive version, generated by \`make lock\` from pyproject.toml on Python 3.11."; \
	   echo "# The Makefile rebuilds .venv whenever this file changes."; \
	   build/lock-venv/bin/pip freeze --exclude-editable | grep -vi '^lancashire-hwb'; } > requirements.lock
	@rm -rf build/lock-venv
	@echo "requirements.lock updated"

clean: ## remove built HTML, scratch files and caches (keeps .venv and rendered packs)
	@if [ -x $(HWB) ]; then $(HWB) data clean; fi
	@rm -rf book/_build build .pytest_cache .hypothesis
	@find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +

.PHONY: bench
bench: $(STAMP) ## benchmark naive papermill vs `make all` (10 partnership packs, 300 synthetic areas); writes bench/RESULTS.md
	@set -f; $(PY) bench/bench.py $$BENCH_FLAGS
