// Package all links every output format in: one import line per format.
package all

import (
	_ "cryptoweekly/render/html"
	_ "cryptoweekly/render/json"
	_ "cryptoweekly/render/markdown"
	_ "cryptoweekly/render/pdf"
)
