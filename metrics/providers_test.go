package metrics

// The providers describe their series in the catalogue when they are linked in.
import (
	_ "cryptoweekly/importer"
	_ "cryptoweekly/sources/alternativeme"
	_ "cryptoweekly/sources/coingecko"
	_ "cryptoweekly/sources/coinmarketcap"
	_ "cryptoweekly/sources/defillama"
)
