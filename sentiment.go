package cryptoweekly

// FearGreedZone is alternative.me's classification of a Fear & Greed value. The boundaries are
// the ones the API's own value_classification uses over its whole history (25 is "Extreme Fear").
// The importer checks the published labels against it and the report prints it.
func FearGreedZone(v float64) string {
	switch {
	case v <= 25:
		return "Extreme Fear"
	case v <= 46:
		return "Fear"
	case v <= 54:
		return "Neutral"
	case v <= 75:
		return "Greed"
	}
	return "Extreme Greed"
}
