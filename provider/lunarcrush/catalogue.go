package lunarcrush

import cw "cryptoweekly"

// Metrics LunarCrush stores besides the shared ones of the root catalogue (cw.MetricTopicRank).
const (
	MetricAltRank         cw.Metric = "alt_rank"
	MetricGalaxyScore     cw.Metric = "galaxy_score"
	MetricInteractions24h cw.Metric = "interactions_24h"
	MetricNumContributors cw.Metric = "num_contributors"
	MetricSocialDominance cw.Metric = "social_dominance"
)
