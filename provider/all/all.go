// Package all links in every provider, so their init functions register their live connectors,
// bundled file families and series definitions in the root registries. Adding a provider is one
// new folder under provider/ and one line here.
package all

import (
	_ "cryptoweekly/provider/alternativeme"
	_ "cryptoweekly/provider/binance"
	_ "cryptoweekly/provider/coingecko"
	_ "cryptoweekly/provider/coinglass"
	_ "cryptoweekly/provider/coinmarketcap"
	_ "cryptoweekly/provider/defillama"
	_ "cryptoweekly/provider/farside"
	_ "cryptoweekly/provider/fred"
	_ "cryptoweekly/provider/lunarcrush"
	_ "cryptoweekly/provider/news"
	_ "cryptoweekly/provider/smoothbrainquant"
	_ "cryptoweekly/provider/sosovalue"
)
