# rollcall: build, test, demo, install. See README.md.
.SUFFIXES:

CC	?= cc
PREFIX	?= /usr/local
BINDIR	 = $(PREFIX)/bin
MANDIR	 = $(PREFIX)/share/man

PKGS	 = ldap lber libcurl jansson sqlite3 inih libcrypto xlsxwriter libzip libxml-2.0
TOOL_PKGS = libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread

CFLAGS	?= -O2 -g
WARN	 = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
DEFS	 = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
ALL_CFLAGS = $(WARN) $(DEFS) -pthread -Iinclude $(PKG_CFLAGS) $(CFLAGS)
SAN	 = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer

LIB_SRC	 = $(sort $(wildcard core/*.c connectors/*.c reports/*.c))
CMD_SRC	 = $(sort $(wildcard cmd/*.c))
TEST_SRC = $(sort $(wildcard tests/test_*.c))
TSUP_SRC = $(sort $(wildcard tests/support/*.c))
TOOL_SRC = $(sort $(wildcard tests/tools/*.c))

LIB_OBJ	 = $(LIB_SRC:%.c=build/%.o)
CMD_OBJ	 = $(CMD_SRC:%.c=build/%.o)
TSUP_OBJ = $(TSUP_SRC:%.c=build/%.o)
TESTS	 = $(TEST_SRC:tests/%.c=build/tests/%)
ASAN_LIB_OBJ  = $(LIB_SRC:%.c=build/asan/%.o)
ASAN_TSUP_OBJ = $(TSUP_SRC:%.c=build/asan/%.o)
ASAN_TESTS    = $(TEST_SRC:tests/%.c=build/asan/tests/%)
TOOLS	 = $(TOOL_SRC:tests/tools/%.c=build/tools/%)

all: build/rollcall

build/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN) -MMD -MP -c $< -o $@

build/librollcall.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $(LIB_OBJ)

build/asan/librollcall.a: $(ASAN_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $(ASAN_LIB_OBJ)

build/rollcall: $(CMD_OBJ) build/librollcall.a
	$(CC) $(CFLAGS) -o $@ $(CMD_OBJ) build/librollcall.a $(PKG_LIBS)

build/tests/%: build/tests/%.o $(TSUP_OBJ) build/librollcall.a
	$(CC) $(CFLAGS) -o $@ $< $(TSUP_OBJ) build/librollcall.a $(PKG_LIBS) -lcmocka

build/asan/tests/%: build/asan/tests/%.o $(ASAN_TSUP_OBJ) build/asan/librollcall.a
	$(CC) $(SAN) -o $@ $< $(ASAN_TSUP_OBJ) build/asan/librollcall.a $(PKG_LIBS) -lcmocka

# Small programs the integration scripts use (a cutting proxy, generators).
build/tools/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags $(TOOL_PKGS)) -o $@ $< \
	    $(PKG_LIBS) $(shell pkg-config --libs $(TOOL_PKGS))

tests: $(TESTS) $(ASAN_TESTS) $(TOOLS)

# Unit tests plain and under ASan+UBSan, then the integration scripts
# (real slapd on 127.0.0.1, the CLI end to end).
check: build/rollcall tests
	@sh tests/run-all.sh $(TESTS) -- $(ASAN_TESTS)

unit: tests
	@sh tests/run-all.sh --unit-only $(TESTS) -- $(ASAN_TESTS)

deps:
	sh scripts/deps.sh

demo: build/rollcall build/tools/fakeapi
	sh examples/demo.sh

bench: build/rollcall
	sh bench/run.sh

install: build/rollcall
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	cp build/rollcall $(DESTDIR)$(BINDIR)/rollcall
	chmod 755 $(DESTDIR)$(BINDIR)/rollcall
	cp man/rollcall.1 $(DESTDIR)$(MANDIR)/man1/rollcall.1
	chmod 644 $(DESTDIR)$(MANDIR)/man1/rollcall.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/rollcall $(DESTDIR)$(MANDIR)/man1/rollcall.1

clean:
	rm -rf build out

.PHONY: all check unit tests deps demo bench install uninstall clean
.PRECIOUS: build/%.o build/asan/%.o build/tests/%.o build/asan/tests/%.o

-include $(shell find build -name '*.d' 2>/dev/null)
