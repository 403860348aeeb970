# Leaving care service: api + worker over PostgreSQL.
#   make run    install what is missing, start a local cluster, migrate, load demo data, serve
#   make test   build with ASan/UBSan and -Werror, run unit and integration tests, lint the spec
# See README.md for the rest.

SHELL := /bin/bash
CC ?= gcc
SAN ?=
BUILD ?= build/$(if $(SAN),san,rel)
GEN := $(BUILD)/gen

PKGS := libpq libcjson uuid
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wpointer-arith -Wformat=2 -Wno-format-nonliteral -Wno-missing-field-initializers -fno-common
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -g -MMD -MP -fstack-protector-strong $(WARN)
ifeq ($(SAN),)
OPT := -O2
else
OPT := -O1 -fsanitize=$(SAN) -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) libjwt 2>/dev/null)
CFLAGS_ALL = $(BASE_CFLAGS) $(OPT) $(PKG_CFLAGS)
LDFLAGS_ALL = $(if $(SAN),-fsanitize=$(SAN))
COMMON_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
API_LIBS = -lcivetweb $(shell pkg-config --libs libjwt libcrypto 2>/dev/null) $(COMMON_LIBS)
# Webhook deliveries (worker only): libcurl (OpenSSL flavour) for HTTPS, libcrypto to sign.
WEBHOOK_LIBS = $(shell pkg-config --libs libcurl libcrypto 2>/dev/null)
# The Board report's PDF renderer (worker only): cairo + pango.
PDF_CFLAGS = $(shell pkg-config --cflags pangocairo cairo fontconfig 2>/dev/null)
PDF_LIBS = $(shell pkg-config --libs pangocairo cairo fontconfig 2>/dev/null)

COMMON_SRC := $(wildcard common/*.c)
API_SRC := $(filter-out api/main.c api/token_main.c,$(wildcard api/*.c))
WORKER_SRC := $(filter-out worker/main.c,$(wildcard worker/*.c))
MIGRATIONS := $(sort $(wildcard schema/migrations/*.sql))
# The one current definition of every function, applied in this order after the migrations
# (common/cl_migrate.c); every file in schema/functions must be listed here.
FUNCTIONS := $(addprefix schema/functions/,reset.sql base.sql scope.sql facts.sql read_model.sql \
  partner_notices.sql advisers.sql partners.sql care_leaver.sql casework.sql outreach.sql \
  accommodation_eet.sql entitlements.sql grants.sql housing.sql jobs.sql history.sql ssda903.sql \
  voice.sql board.sql board_business.sql local_offer.sql me.sql records.sql change_feed.sql \
  security.sql)
ifneq ($(sort $(FUNCTIONS)),$(sort $(wildcard schema/functions/*.sql)))
$(error schema/functions and FUNCTIONS in the Makefile differ: $(filter-out $(FUNCTIONS),$(wildcard schema/functions/*.sql)) $(filter-out $(wildcard schema/functions/*.sql),$(FUNCTIONS)))
endif

COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o) $(GEN)/migrations.o
API_OBJ := $(API_SRC:%.c=$(BUILD)/obj/%.o) $(GEN)/assets.o
WORKER_OBJ := $(WORKER_SRC:%.c=$(BUILD)/obj/%.o)

REDOC_VERSION := 2.5.4
REDOC_SHA256 := dcaf76612bc4a3fbcc923a8966dee2f6146a5f32e5ce1b6f02dd60cbbf89500b
REDOC_JS := build/vendor/redoc-$(REDOC_VERSION).standalone.js
PYTHON := /usr/bin/python3

.PHONY: all run test fuzz-build fuzz-smoke test-unit test-integration token migrate demo-data fmt fmt-check lint \
        lint-spec clean deps bench reliability restore-drill backup restore fuzz help
all: $(BUILD)/api $(BUILD)/worker $(BUILD)/token

help:
	@sed -n '1,6p' Makefile

deps:
	@scripts/deps.sh test

# ---- libraries and binaries ---------------------------------------------------------------
$(BUILD)/obj/common/%.o: common/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Icommon -c $< -o $@
$(BUILD)/obj/api/%.o: api/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Icommon -Iapi -c $< -o $@
$(BUILD)/obj/worker/%.o: worker/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(PDF_CFLAGS) -Icommon -Iworker -c $< -o $@

$(GEN)/migrations.c: $(MIGRATIONS) $(FUNCTIONS) scripts/embed.py Makefile
	@mkdir -p $(@D)
	$(PYTHON) scripts/embed.py migrations $@ $(MIGRATIONS) --functions $(FUNCTIONS)
# The served document: what /v1/openapi.json answers, byte for byte (lint-spec checks this file).
$(GEN)/openapi.json: openapi/openapi.yaml scripts/embed.py
	@mkdir -p $(@D)
	$(PYTHON) scripts/embed.py openapi $@ openapi/openapi.yaml
$(GEN)/assets.c: $(GEN)/openapi.json $(REDOC_JS) scripts/embed.py
	@mkdir -p $(@D)
	$(PYTHON) scripts/embed.py assets $@ $(GEN)/openapi.json $(REDOC_JS)
$(GEN)/migrations.o: $(GEN)/migrations.c $(MIGRATIONS) $(FUNCTIONS)
	$(CC) $(CFLAGS_ALL) -Icommon -c $< -o $@
$(GEN)/assets.o: $(GEN)/assets.c $(GEN)/openapi.json $(REDOC_JS)
	$(CC) $(CFLAGS_ALL) -Iapi -c $< -o $@

# The docs page's renderer: the standalone bundle from the pinned redoc package, checked. Only
# a download (npm pack runs nothing from the package), so the machine's own npm does it and
# `make run` needs no other Node.js.
$(REDOC_JS):
	@mkdir -p build/vendor/pack
	cd build/vendor/pack && npm pack --silent redoc@$(REDOC_VERSION) >/dev/null && \
	  tar -xzf redoc-$(REDOC_VERSION).tgz package/bundles/redoc.standalone.js
	echo "$(REDOC_SHA256)  build/vendor/pack/package/bundles/redoc.standalone.js" | sha256sum -c --quiet
	mv build/vendor/pack/package/bundles/redoc.standalone.js $@
	rm -rf build/vendor/pack

$(BUILD)/libcl_common.a: $(COMMON_OBJ)
	ar rcs $@ $^
$(BUILD)/libcl_api.a: $(API_OBJ)
	ar rcs $@ $^
$(BUILD)/libcl_worker.a: $(WORKER_OBJ)
	ar rcs $@ $^

# Job kinds register themselves from their own files (CL_JOBSPEC_REGISTER in common/,
# CL_JOB_KIND in worker/) into linker sections that nothing references by name, so those
# archives are linked whole: $(call WHOLE,archive).
WHOLE = -Wl,--whole-archive $(1) -Wl,--no-whole-archive

$(BUILD)/api: $(BUILD)/obj/api/main.o $(BUILD)/libcl_api.a $(BUILD)/libcl_common.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(wordlist 1,2,$^) $(call WHOLE,$(BUILD)/libcl_common.a) $(API_LIBS)
$(BUILD)/token: $(BUILD)/obj/api/token_main.o $(BUILD)/libcl_api.a $(BUILD)/libcl_common.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(wordlist 1,2,$^) $(call WHOLE,$(BUILD)/libcl_common.a) $(API_LIBS)
$(BUILD)/worker: $(BUILD)/obj/worker/main.o $(BUILD)/libcl_worker.a $(BUILD)/libcl_common.a
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(call WHOLE,$(BUILD)/libcl_worker.a $(BUILD)/libcl_common.a) \
	  $(COMMON_LIBS) $(PDF_LIBS) $(WEBHOOK_LIBS)

# ---- tests ----------------------------------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/*.c)
INT_SRC := $(wildcard tests/integration/*.c)
SUPPORT_SRC := $(wildcard tests/support/*.c)
TEST_CFLAGS = $(CFLAGS_ALL) -Wno-missing-prototypes -Icommon -Iapi -Iworker -Itests/support
$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c $< -o $@
$(BUILD)/tests/unit_tests: $(UNIT_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/libcl_api.a $(BUILD)/libcl_worker.a $(BUILD)/libcl_common.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) -o $@ $(filter %.o $(BUILD)/libcl_api.a,$^) \
	  $(call WHOLE,$(BUILD)/libcl_worker.a $(BUILD)/libcl_common.a) \
	  $(API_LIBS) $(PDF_LIBS) $(WEBHOOK_LIBS) $(shell pkg-config --libs criterion)
$(BUILD)/tests/integration_tests: $(INT_SRC:%.c=$(BUILD)/obj/%.o) $(SUPPORT_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/libcl_api.a $(BUILD)/libcl_common.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) -o $@ $(filter %.o $(BUILD)/libcl_api.a,$^) \
	  $(call WHOLE,$(BUILD)/libcl_common.a) $(API_LIBS) -lcrypto $(shell pkg-config --libs criterion)

# TEST_BUILD lets several checkouts' worth of work build side by side (default build/san).
TEST_BUILD ?= build/san
test:
	@scripts/deps.sh test
	$(PYTHON) tests/tools/schema_layout.py
	$(MAKE) --no-print-directory SAN=address,undefined BUILD=$(TEST_BUILD) $(TEST_BUILD)/api \
	  $(TEST_BUILD)/worker $(TEST_BUILD)/token $(TEST_BUILD)/tests/unit_tests \
	  $(TEST_BUILD)/tests/integration_tests
	$(MAKE) --no-print-directory BUILD=$(TEST_BUILD) lint-spec
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=tests/lsan.supp:print_suppressions=0 \
	  $(TEST_BUILD)/tests/unit_tests --jobs 2
	$(MAKE) --no-print-directory fuzz-smoke
	tests/integration/run.sh $(TEST_BUILD)
	tests/golden/run.sh $(TEST_BUILD)
	tests/reliability/run.sh $(TEST_BUILD) --quick

test-unit:
	$(MAKE) --no-print-directory SAN=address,undefined BUILD=$(TEST_BUILD) $(TEST_BUILD)/tests/unit_tests
	$(TEST_BUILD)/tests/unit_tests

# ---- running -------------------------------------------------------------------------------
run:
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory all
	@scripts/run.sh $(BUILD)

token: $(BUILD)/token
	@scripts/token.sh $(BUILD) "$(ROLE)" "$(ADVISER_ID)" "$(ORG_ID)" "$(CARE_LEAVER_ID)"

migrate: $(BUILD)/api
	@scripts/local-db.sh migrate $(BUILD)

demo-data:
	@scripts/local-db.sh demo "$(N)" "$(SEED)"

# ---- quality -------------------------------------------------------------------------------
fmt:
	clang-format -i common/*.[ch] api/*.[ch] worker/*.[ch] tests/*/*.[ch]
fmt-check:
	clang-format --dry-run --Werror common/*.[ch] api/*.[ch] worker/*.[ch] tests/*/*.[ch]

# Checks the document the api serves ($(GEN)/openapi.json, embedded as it is): the same as the
# source read as YAML 1.2, clean under the linter, valid OpenAPI 3.1 under a second, independent
# validator (its official JSON Schema), and complete by our own rules. The JavaScript tools run
# on the pinned Node.js (scripts/node.sh), which also checks it is the Node they declare.
lint-spec: $(GEN)/openapi.json
	scripts/node.sh install openapi
	$(PYTHON) tests/contract/served_check.py $(GEN)/openapi.json openapi/openapi.yaml
	cd openapi && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	  ../scripts/node.sh node_modules/.bin/redocly lint ../$(GEN)/openapi.json --format=stylish
	scripts/node.sh openapi/node_modules/.bin/validate-api $(GEN)/openapi.json \
	  >$(GEN)/openapi-validation.json || { cat $(GEN)/openapi-validation.json; exit 1; }
	$(PYTHON) tests/contract/spec_check.py $(GEN)/openapi.json
lint: lint-spec fmt-check
	tests/tools/banned.sh
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --std=c11 --inline-suppr -Icommon -Iapi -Iworker common api worker

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

bench:
	@scripts/deps.sh test
	scripts/bench.sh

reliability:
	@scripts/deps.sh test
	$(MAKE) --no-print-directory SAN=address,undefined BUILD=build/san build/san/api build/san/worker build/san/token
	tests/reliability/run.sh build/san --record

# A base backup and point-in-time restore tried on throwaway clusters (also in make reliability).
restore-drill:
	@scripts/deps.sh test
	$(MAKE) --no-print-directory SAN=address,undefined BUILD=build/san build/san/api build/san/token
	tests/reliability/restore_drill.sh build/san

# Backups of the local cluster (make run's) into BACKUP_DIR: WAL archiving turned on (once, with
# a restart), then a base backup. make restore: a new cluster in RESTORE_TO on RESTORE_PORT from
# them, to TARGET_TIME (default: all archived WAL). See README, "Backup and restore".
backup:
	@test -n "$(BACKUP_DIR)" || { echo "usage: make backup BACKUP_DIR=<directory>"; exit 2; }
	@source scripts/env.sh && test -n "$$CL_PGPORT" || { echo "no local cluster yet: run make run first"; exit 1; }; \
	  scripts/backup.sh archive "$$CL_PGDIR" "$(BACKUP_DIR)" && \
	  scripts/backup.sh base "host=127.0.0.1 port=$$CL_PGPORT user=postgres dbname=postgres" "$(BACKUP_DIR)"
restore:
	@test -n "$(BACKUP_DIR)" -a -n "$(RESTORE_TO)" -a -n "$(RESTORE_PORT)" || \
	  { echo "usage: make restore BACKUP_DIR=<dir> RESTORE_TO=<new dir> RESTORE_PORT=<port> [TARGET_TIME='<timestamp with zone>']"; exit 2; }
	@scripts/backup.sh restore "$(BACKUP_DIR)" "$(RESTORE_TO)" "$(RESTORE_PORT)" $(if $(TARGET_TIME),"$(TARGET_TIME)")

# ---- fuzzing (libFuzzer, clang) -------------------------------------------------------------
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang-14
fuzz-build:
	$(MAKE) --no-print-directory CC=$(FUZZ_CC) SAN=fuzzer-no-link,address,undefined \
	  BUILD=build/fuzz build/fuzz/libcl_api.a build/fuzz/libcl_worker.a build/fuzz/libcl_common.a
	@for t in $(FUZZ_TARGETS); do \
	  $(FUZZ_CC) $(BASE_CFLAGS) -O1 -fsanitize=fuzzer,address,undefined -Wno-missing-prototypes \
	    $(PKG_CFLAGS) -Icommon -Iapi -Iworker -Itests/support tests/fuzz/$$t.c build/fuzz/libcl_api.a \
	    build/fuzz/libcl_worker.a build/fuzz/libcl_common.a $(API_LIBS) -o build/fuzz/$$t || exit 1; \
	done
# Each target for FUZZ_SECONDS on a scratch copy of its committed corpus; a crash stops the
# run and leaves its input in build/fuzz/ (commit it under tests/fuzz/regress/ with the fix).
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  c=$${t#fuzz_}; rm -rf build/fuzz/corpus-$$c; cp -r tests/fuzz/corpus/$$c build/fuzz/corpus-$$c; \
	  echo "fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/$$t- build/fuzz/corpus-$$c 2>&1 | \
	    grep -E 'stat::number_of_executed_units|stat::new_units_added|ERROR|SUMMARY' || true; \
	  test -z "$$(ls build/fuzz/$$t-crash-* build/fuzz/$$t-leak-* 2>/dev/null)" || exit 1; \
	done
# Replays the committed corpora and regression inputs (no mutation): part of make test.
fuzz-smoke: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  c=$${t#fuzz_}; build/fuzz/$$t -runs=0 tests/fuzz/corpus/$$c $$(ls -d tests/fuzz/regress/$$c 2>/dev/null) \
	    >build/fuzz/$$t.log 2>&1 || { cat build/fuzz/$$t.log; exit 1; }; \
	  rm -rf build/fuzz/smoke-$$c; cp -r tests/fuzz/corpus/$$c build/fuzz/smoke-$$c; \
	  build/fuzz/$$t -max_total_time=5 -max_len=4096 -artifact_prefix=build/fuzz/$$t- \
	    build/fuzz/smoke-$$c >>build/fuzz/$$t.log 2>&1 || { tail -40 build/fuzz/$$t.log; exit 1; }; \
	  echo "fuzz smoke $$t: ok"; \
	done
