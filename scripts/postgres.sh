#!/usr/bin/env bash
# A local PostgreSQL for cryptoweekly's tests and for trying the backend by hand. Idempotent:
# installs Debian's postgresql only when missing, starts the cluster only when it is down, creates
# the role only once.
#
#   bash scripts/postgres.sh start          # a running server, a role and a database `cryptoweekly`;
#                                           # prints the --db address to use
#   bash scripts/postgres.sh test CMD...    # a throwaway cluster and database for one run of CMD,
#                                           # its URL in $CRYPTOWEEKLY_TEST_POSTGRES; dropped afterwards
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
		psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres "$@"
	else
		as_root su postgres -s /bin/bash -c "psql -X -q -v ON_ERROR_STOP=1 -p $port -d postgres$(printf ' %q' "$@")"
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

cluster() { # NAME [new]: sets version and port; a new cluster is created (on a free port) first
	local name=$1
	version=$(ls /usr/lib/postgresql | sort -V | tail -1)
	if [ "${2:-}" = new ]; then
		# Throwaway data: no fsync. Its own port, so its restarts touch no one else's sessions.
		port=$((5433 + $$ % 1000))
		while pg_lsclusters -h | awk '{print $3}' | grep -qx "$port" || pg_isready -q -h 127.0.0.1 -p "$port"; do
			port=$((port + 1))
		done
		as_root pg_createcluster "$version" "$name" -p "$port" --start-conf=manual \
			-o fsync=off -o synchronous_commit=off -o full_page_writes=off >/dev/null
	elif ! pg_lsclusters -h | awk -v v="$version" -v n="$name" '$1 == v && $2 == n' | grep -q .; then
		as_root pg_createcluster "$version" "$name" >/dev/null
	fi
	port=$(pg_lsclusters -h | awk -v v="$version" -v n="$name" '$1 == v && $2 == n {print $3}')
	if ! pg_lsclusters -h | awk -v v="$version" -v n="$name" '$1 == v && $2 == n {print $4}' | grep -q online; then
		as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start
	fi
	for _ in $(seq 50); do # the socket appears a moment after pg_ctlcluster returns
		pg_isready -q -h 127.0.0.1 -p "$port" && break
		sleep 0.2
	done
	pg_isready -q -h 127.0.0.1 -p "$port" || { echo "postgres.sh: PostgreSQL $version/$name did not start on port $port" >&2; exit 1; }
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
	cluster main
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
	# A cluster of its own, dropped afterwards: the restart tests restart it, which must not cut
	# the sessions of another test run or of anyone using the main cluster.
	name=cwtest_$$
	trap 'as_root pg_dropcluster --stop "$version" "$name" 2>/dev/null || echo "postgres.sh: could not drop cluster $version/$name" >&2' EXIT
	cluster "$name" new
	ensure_role
	# A name of its own per run also keeps `go test` from replaying a cached pass: the URL is
	# part of what the test cache keys on.
	db=cw_test_$(date +%s)_$$
	as_postgres "CREATE DATABASE $db OWNER $role"
	export CRYPTOWEEKLY_TEST_POSTGRES
	CRYPTOWEEKLY_TEST_POSTGRES=$(url "$db")
	# How a test restarts the server (the restart-in-the-middle-of-an-ingest tests).
	export CRYPTOWEEKLY_TEST_POSTGRES_RESTART="pg_ctlcluster --skip-systemctl-redirect $version $name restart -m fast"
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
