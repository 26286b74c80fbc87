package alternativeme

import cw "cryptoweekly"

// Definition ids of the series this provider describes in the root catalogue, for the report
// code that cites them.
const (
	DefFearGreed cw.DefinitionID = "fng.alternative.me"
)
