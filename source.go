package cryptoweekly

import (
	"context"
	"time"
)

// Source is a live data provider (provider/<name>). It turns API responses into batches; it
// never writes to the store itself, so a failing source cannot leave partial rows behind.
type Source interface {
	// Name is the provider's short name ("defillama", "coingecko", …).
	Name() string
	// Fetch returns one batch per series family, covering days after since (zero: full history).
	Fetch(ctx context.Context, since time.Time) ([]Batch, error)
}
