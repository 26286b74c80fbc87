package coinmarketcap

import (
	"net/http"
	"testing"

	"cryptoweekly/internal/sourcetest"
)

// env is the shared replay environment (sourcetest.Env); coinmarketcap-specific helpers hang off it.
type env struct{ *sourcetest.Env }

func newEnv(t *testing.T, routes map[string]http.HandlerFunc) *env {
	return &env{sourcetest.NewEnv(t, sourcetest.NewServer(routes), fetchDay)}
}

// truncated promises a full body but stops mid-listing.
var truncated = sourcetest.Truncated(`{"status":{"error_code":0},"data":[{"id":1,`)
