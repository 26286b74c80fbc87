package news

import (
	"net/http"
	"testing"

	"cryptoweekly/internal/sourcetest"
)

// env is the shared replay environment (sourcetest.Env); news-specific helpers hang off it.
type env struct{ *sourcetest.Env }

func newEnv(t *testing.T, routes map[string]http.HandlerFunc) *env {
	return &env{sourcetest.NewEnv(t, sourcetest.NewServer(routes), fetchDay)}
}

// truncated promises a full body but stops mid-item.
var truncated = sourcetest.Truncated(`<?xml version="1.0"?><rss><channel><item><title>cut`)
