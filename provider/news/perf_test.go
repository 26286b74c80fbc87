package news

import (
	"strings"
	"testing"
	"time"
)

// Adversarial inputs must stay fast (linear-ish): unclosed "<a", many script blocks, a huge
// item count.
func TestPathologicalInputsAreFast(t *testing.T) {
	start := time.Now()
	HTMLToText(strings.Repeat("<a", 200000))
	HTMLToText(strings.Repeat("<script></script>x", 50000))
	HTMLToText(strings.Repeat("&lt;b&gt;", 100000))
	Tag(strings.Repeat("exchange-traded ", 50000), DefaultRules)
	Tag(strings.Repeat("secx", 100000), DefaultRules)
	var sb strings.Builder
	sb.WriteString("<rss><channel>")
	for i := 0; i < 20000; i++ {
		sb.WriteString("<item><title>t</title><guid>g</guid></item>")
	}
	sb.WriteString("</channel></rss>")
	if _, err := ParseFeed([]byte(sb.String()), ""); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}
