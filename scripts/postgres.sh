#!/usr/bin/env bash
# A local PostgreSQL for cryptoweekly's tests and for trying the backend by hand. Idempotent:
# installs Debian's postgresql only when missing, starts the cluster only when it is down, creates
# the role only once.
#
#   bash scripts/postgres.sh start          # a running server, a role and a database `cryptoweekly`;
#                                           # prints the --db address to use
#   bash scripts/postgres.sh test CMD...    # a throwaway database for one run of CMD, with its URL in
#                                           # $CRYPTOWEEKLY_TEST_POSTGRES; dropped afterwards
#   bash scripts/postgres.sh stop           # stops the cluster
#
# Tests that need PostgreSQL skip without $CRYPTOWEEKLY_TEST_POSTGRES, except in CI (CI=true),
# where they fail instead: .ci/run runs `go test ./...` through `test`.
#
# Needs root (or sudo) for the install and to start the cluster; admin statements run as the
# postgres OS user over the local socket (peer authentication). The tests then connect over TCP
# with a password, as a team's clients would.
set -euo pipefail

role=cryptoweekly
password=${CRYPTOWEEKLY_PG_PASSWORD:-cryptoweekly-local}

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

psql_admin() { # psql arguments; as the postgres superuser over the local socket
	if [ "$(id -un)" = postgres ]; then
		psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"
	else
		as_root su postgres -s /bin/bash -c "psql -X -q -v ON_ERROR_STOP=1 -d postgres$(printf ' %q' "$@")"
	fi
}

as_postgres() { psql_admin -c "$1"; }

install() {
	if command -v pg_ctlcluster >/dev/null && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
		return
	fi
	echo "postgres.sh: installing postgresql (Debian)…" >&2
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql </dev/null >/dev/null
}

cluster() { # sets version, port
	version=$(ls /usr/lib/postgresql | sort -V | tail -1)
	if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
		as_root pg_createcluster "$version" main >/dev/null
	fi
	port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
	if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
		as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
	fi
	for _ in $(seq 50); do # the socket appears a moment after pg_ctlcluster returns
		pg_isready -q -h 127.0.0.1 -p "$port" && break
		sleep 0.2
	done
	pg_isready -q -h 127.0.0.1 -p "$port" || { echo "postgres.sh: PostgreSQL $version did not start on port $port" >&2; exit 1; }
}

ensure_role() {
	as_postgres "DO \$\$ BEGIN
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
			CREATE ROLE $role LOGIN PASSWORD '$password';
		END IF;
	END \$\$;"
}

url() { # database
	echo "postgres://$role:$password@127.0.0.1:$port/$1?sslmode=disable"
}

case ${1:-} in
start)
	install
	cluster
	ensure_role
	if [ -z "$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = 'cryptoweekly'")" ]; then
		as_postgres "CREATE DATABASE cryptoweekly OWNER $role"
	fi
	echo "PostgreSQL $version is running on port $port. Use:"
	echo "  cryptoweekly report --db '$(url cryptoweekly)'"
	;;
test)
	shift
	[ $# -gt 0 ] || { echo "usage: $0 test CMD..." >&2; exit 2; }
	install
	cluster
	ensure_role
	db=cw_test_$(date +%s)_$$
	as_postgres "CREATE DATABASE $db OWNER $role"
	drop() { # a test may have just restarted the server: give it a moment
		for _ in $(seq 50); do
			pg_isready -q -h 127.0.0.1 -p "$port" && as_postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null && return
			sleep 0.2
		done
		echo "postgres.sh: could not drop $db" >&2
	}
	trap drop EXIT
	export CRYPTOWEEKLY_TEST_POSTGRES
	CRYPTOWEEKLY_TEST_POSTGRES=$(url "$db")
	# How a test restarts the server (the restart-in-the-middle-of-an-ingest test).
	export CRYPTOWEEKLY_TEST_POSTGRES_RESTART="pg_ctlcluster --skip-systemctl-redirect $version main restart -m fast"
	if [ "$(id -u)" != 0 ]; then
		CRYPTOWEEKLY_TEST_POSTGRES_RESTART="sudo -n $CRYPTOWEEKLY_TEST_POSTGRES_RESTART"
	fi
	"$@"
	;;
stop)
	version=$(ls /usr/lib/postgresql | sort -V | tail -1)
	as_root pg_ctlcluster --skip-systemctl-redirect "$version" main stop
	;;
*)
	echo "usage: $0 start | test CMD... | stop" >&2
	exit 2
	;;
esac
