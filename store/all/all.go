// Package all links every store backend in: one import line per backend.
package all

import (
	_ "cryptoweekly/store/duckdb"
	_ "cryptoweekly/store/postgres"
)
