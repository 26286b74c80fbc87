package lunarcrush

import (
	"net/http"
	"testing"

	"cryptoweekly/internal/sourcetest"
)

// env is the shared replay environment (sourcetest.Env); lunarcrush-specific helpers hang off it.
type env struct{ *sourcetest.Env }

func newEnv(t *testing.T, routes map[string]http.HandlerFunc) *env {
	return &env{sourcetest.NewEnv(t, sourcetest.NewServer(routes), fetchDay)}
}

// truncated promises a full body but stops mid-topic.
var truncated = sourcetest.Truncated(`{"data":[{"topic":"bitcoin",`)
