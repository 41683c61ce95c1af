#!/bin/sh
# Install every Debian package rollcall needs to build, test and run the demo.
# Runs as root (or through sudo), non-interactively. Safe to run again.
set -eu

PKGS="build-essential pkg-config make
libldap-dev libcurl4-openssl-dev libjansson-dev libsqlite3-dev
libcmocka-dev libinih-dev libxlsxwriter-dev libzip-dev libxml2-dev libssl-dev
slapd ldap-utils sqlite3 time bc libmicrohttpd-dev openssl
python3 python3-openpyxl unzip"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
# Debian's slapd package would otherwise create and start a directory of its
# own; the tests and the demo run their own slapd with their own config.
echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections

missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi
echo "deps: installing$missing"
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
