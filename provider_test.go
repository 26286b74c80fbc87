package cryptoweekly

import "testing"

// Keys: the environment wins over the config file, blanks count as unset.
func TestProviderEnvKeyAndConfig(t *testing.T) {
	env := ProviderEnv{
		ConfigJSON: []byte(`{"keys": {"x": " from-file "}, "feeds": ["a"]}`),
		Getenv:     func(n string) string { return map[string]string{"SET": "from-env", "BLANK": "  "}[n] },
	}
	var c struct {
		Keys struct {
			X string `json:"x"`
		} `json:"keys"`
	}
	if err := env.Config(&c); err != nil {
		t.Fatal(err)
	}
	if got := env.Key("SET", c.Keys.X); got != "from-env" {
		t.Errorf("Key(SET) = %q", got)
	}
	if got := env.Key("BLANK", c.Keys.X); got != "from-file" {
		t.Errorf("Key(BLANK) = %q", got)
	}
	if err := (ProviderEnv{}).Config(&c); err != nil {
		t.Errorf("no config file: %v", err)
	}
	if err := (ProviderEnv{ConfigJSON: []byte(`{"keys": 3}`)}).Config(&c); err == nil {
		t.Error("a mistyped config is an error")
	}
}
