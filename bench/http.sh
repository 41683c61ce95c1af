#!/bin/sh
# bench/http.sh: the HTTP layer's throughput. build/tools/fakeapi serves
# 50,000 Okta-shaped users over 500 pages (Link rel="next", generated
# here); a small loop over http_get_json() (compiled here against
# build/librollcall.a) follows the links, checks each with
# http_check_next() and counts the users. Prints pages per second, users
# and the client's peak RSS, which must not grow with the number of pages.
# BENCH_USERS / BENCH_PAGE change the size. Run after `make tests`.
set -u
cd "$(dirname "$0")/.." || exit 1

USERS=${BENCH_USERS:-50000}
PAGE=${BENCH_PAGE:-100}
ORIGIN=https://bench.okta.example.invalid
T=$(mktemp -d /tmp/rollcall-bench-http.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ -x build/tools/fakeapi ] && [ -f build/librollcall.a ] || {
	echo "bench/http.sh: run 'make tests' first" >&2
	exit 1
}

echo "generating $USERS users in pages of $PAGE"
mkdir -p "$T/pages"
awk -v users="$USERS" -v page="$PAGE" -v origin="$ORIGIN" -v dir="$T" '
function q(s) { return "\"" s "\"" }
BEGIN {
	pages = int((users + page - 1) / page)
	tr = dir "/transcript.json"
	printf "{\"exchanges\": [\n" > tr
	for (p = 1; p <= pages; p++) {
		f = dir "/pages/p" p ".json"
		printf "[" > f
		for (i = 0; i < page && (p - 1) * page + i < users; i++) {
			n = (p - 1) * page + i + 1
			id = sprintf("00ubench%012d", n)
			printf "%s{\"id\":%s,\"status\":%s,\"created\":" \
			    "\"2024-03-01T10:00:00.000Z\",\"lastLogin\":" \
			    "\"2026-11-30T08:00:00.000Z\",\"profile\":" \
			    "{\"firstName\":\"User\",\"lastName\":\"N%d\"," \
			    "\"email\":\"user%d@example.com\",\"login\":" \
			    "\"user%d@example.com\"},\"_links\":{\"self\":" \
			    "{\"href\":\"%s/api/v1/users/%s\"}}}", \
			    i ? "," : "", q(id), \
			    q(n % 50 ? "ACTIVE" : "SUSPENDED"), n, n, n, \
			    origin, id > f
		}
		printf "]\n" > f
		close(f)
		url = origin "/api/v1/users?limit=" page
		if (p > 1)
			url = url "&after=" sprintf("00ubench%012d", (p - 1) * page)
		printf "%s{\"request\":{\"method\":\"GET\",\"url\":%s}," \
		    "\"response\":{\"status\":200,\"headers\":[[\"Content-Type\"," \
		    "\"application/json\"]", (p > 1 ? ",\n" : ""), q(url) > tr
		if (p < pages)
			printf ",[\"link\",\"<%s/api/v1/users?after=%s&limit=%d>;" \
			    " rel=\\\"next\\\"\"]", origin, \
			    sprintf("00ubench%012d", p * page), page > tr
		printf "],\"body_file\":\"pages/p%d.json\"}}", p > tr
	}
	printf "\n]}\n" > tr
}' || exit 1

cat >"$T/loop.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <jansson.h>

#include "rollcall/config.h"
#include "rollcall/http.h"
#include "rollcall/rollcall.h"

int
main(int argc, char **argv)
{
	struct kv kv[] = { { "url", argv[1], 1 }, { "token_env", "BENCH_TOKEN", 2 } };
	struct source_cfg s = { "bench", "okta", 1, { kv, 2 }, NULL };
	struct http_options o = { .auth = HTTP_AUTH_SSWS };
	struct errbuf err = { "" };
	struct http_page p;
	struct http *h;
	struct timespec t0, t1;
	struct rusage ru;
	long pages = 0, users = 0;
	char *url;
	double secs;

	(void)argc;
	if ((h = http_open(&s, &o, &err)) == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	url = xstrdup(argv[2]);
	while (url) {
		if (http_get_json(h, url, &p, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 2;
		}
		pages++;
		users += (long)json_array_size(p.body);
		free(url);
		url = NULL;
		if (p.next) {
			if (http_check_next(h, p.next, &err) < 0) {
				fprintf(stderr, "%s\n", err.msg);
				return 2;
			}
			url = xstrdup(p.next);
		}
		http_page_free(&p);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	http_close(h);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	getrusage(RUSAGE_SELF, &ru);
	printf("pages %ld, users %ld, %.2f s, %.0f pages/s, peak RSS %ld MB\n",
	    pages, users, secs, (double)pages / secs, ru.ru_maxrss / 1024);
	return 0;
}
EOF
start_api() {
	rm -f "$T/port"
	build/tools/fakeapi --port-file "$T/port" --host "$ORIGIN" \
	    "$T/transcript.json" &
	pid=$!
	i=0
	while [ ! -s "$T/port" ] && [ $i -lt 500 ]; do
		sleep 0.01
		i=$((i + 1))
	done
	[ -s "$T/port" ] || { echo "bench/http.sh: fakeapi did not start" >&2; exit 1; }
	port=$(cat "$T/port")
}

stop_api() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}

# shellcheck disable=SC2046
cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -Iinclude \
    $(pkg-config --cflags jansson libcurl) -o "$T/loop" "$T/loop.c" \
    build/librollcall.a $(pkg-config --libs ldap lber libcurl jansson \
    sqlite3 inih libcrypto 2>/dev/null) -pthread || exit 1

start_api
printf 'http layer alone:   '
BENCH_TOKEN=bench-not-a-secret "$T/loop" "http://127.0.0.1:$port" \
    "/api/v1/users?limit=$PAGE" || exit 2
stop_api

# The whole pull: the okta connector, the reader thread, SQLite.
start_api
cat >"$T/rollcall.conf" <<CONF
[source "bench"]
type = okta
url = http://127.0.0.1:$port
token_env = BENCH_TOKEN
page_size = $PAGE
parts = users
CONF
build/rollcall -q -d "$T/r.db" -c "$T/rollcall.conf" init || exit 2
t0=$(date +%s.%N)
BENCH_TOKEN=bench-not-a-secret /usr/bin/time -f '%M' -o "$T/rss" \
    build/rollcall -q -d "$T/r.db" -c "$T/rollcall.conf" pull bench || exit 2
t1=$(date +%s.%N)
stop_api
pages=$(( (USERS + PAGE - 1) / PAGE ))
secs=$(echo "$t1 - $t0" | bc)
stored=$(sqlite3 "$T/r.db" "SELECT COUNT(*) FROM accounts")
printf 'rollcall pull:      pages %d, accounts %s, %.2f s, %.0f pages/s, peak RSS %d MB\n' \
    "$pages" "$stored" "$secs" "$(echo "$pages / $secs" | bc -l)" \
    "$(( $(cat "$T/rss") / 1024 ))"
