package news

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rule tags an item when any of its terms occurs in the item's title, summary or feed
// categories.
//
//   - Terms match case-insensitively. A term whose first (last) character is a letter or digit
//     only matches where the text's neighbouring character is not a letter or digit: "sec"
//     matches "SEC," but not "second", and "etf" does not match "ETFs" (list plurals
//     explicitly). CJK characters never need boundaries (Chinese has no spaces), so "比特币ETF"
//     matches "etf" and "人民银行" matches inside a sentence.
//   - CaseSensitive terms match exactly, with the same boundary rule ("US" but not "us").
//   - Exclude phrases are blanked out of the text before this rule's terms are matched
//     ("exchange-traded fund" is not an "exchange").
type Rule struct {
	Tag           string
	Terms         []string
	CaseSensitive []string
	Exclude       []string
}

// DefaultRules is the keyword rule set of the regulatory/news watch. Tags become "news:<tag>".
var DefaultRules = []Rule{
	{Tag: "regulation",
		Terms: []string{"regulation", "regulations", "regulatory", "regulator", "regulators", "regulate", "regulates", "regulated",
			"rulemaking", "rule proposal", "enforcement action", "lawsuit", "lawsuits", "sues", "sued", "settlement with", "cease-and-desist", "cease and desist",
			"legislation", "legislative", "bill passes", "licence", "license", "licensing", "licensed", "ban", "bans", "banned", "crackdown",
			"compliance", "aml", "kyc", "sanction", "sanctions", "sanctioned", "fatf", "travel rule", "consultation paper",
			"sec", "cftc", "finra", "occ", "fdic", "fca", "esma", "eba", "mica", "finma", "bafin", "amf", "mas", "sfc", "hkma", "fsa", "csrc",
			"监管", "法规", "合规", "牌照", "禁令", "证监会", "監管", "法規", "合規", "監理"}},
	{Tag: "stablecoin",
		Terms: []string{"stablecoin", "stablecoins", "stable coin", "stable coins", "usdt", "usdc", "tether", "pyusd", "rlusd", "usde", "fdusd", "dai",
			"genius act", "stable act", "e-money token", "e-money tokens", "稳定币", "穩定幣"}},
	{Tag: "rwa",
		Terms: []string{"rwa", "rwas", "real-world asset", "real-world assets", "real world asset", "real world assets",
			"tokenization", "tokenisation", "tokenized", "tokenised", "tokenize", "tokenise", "tokenized treasuries", "buidl", "ondo",
			"代币化", "代幣化", "现实世界资产", "真实世界资产", "現實世界資產", "真實世界資產"}},
	{Tag: "etf",
		Terms: []string{"etf", "etfs", "etp", "etps", "exchange-traded fund", "exchange-traded funds", "exchange traded fund", "exchange traded funds",
			"exchange-traded product", "exchange-traded products", "ibit", "fbtc", "etha", "19b-4", "s-1 filing",
			"交易所交易基金", "交易型开放式指数基金"}},
	{Tag: "exchange",
		Terms: []string{"exchange", "exchanges", "crypto exchange", "binance", "coinbase", "kraken", "okx", "bybit", "bitget", "kucoin", "htx", "huobi",
			"gemini", "bitstamp", "upbit", "bithumb", "gate.io", "crypto.com", "bitfinex", "cex", "delisting", "delist", "delists", "delisted",
			"交易所", "币安", "幣安"},
		Exclude: []string{"exchange-traded", "exchange traded", "exchange rate", "exchange rates", "foreign exchange", "stock exchange", "stock exchanges",
			"securities and exchange commission", "securities exchange", "交易所交易基金"}},
	{Tag: "hack",
		Terms: []string{"hack", "hacks", "hacked", "hacker", "hackers", "exploit", "exploits", "exploited", "exploiter", "breach", "breached",
			"drained", "drainer", "stolen", "theft", "heist", "security incident", "rug pull", "rugpull", "phishing", "compromised", "private key leak",
			"黑客", "被盗", "漏洞", "盗取", "駭客", "被盜"}},
	{Tag: "china",
		Terms: []string{"china", "chinese", "prc", "pboc", "people's bank of china", "beijing", "shanghai", "shenzhen", "yuan", "renminbi", "e-cny", "digital yuan",
			"csrc", "state council", "中国", "中國", "人民银行", "人民銀行", "虚拟货币", "国务院", "证监会", "北京", "上海", "人民币", "数字人民币"}},
	{Tag: "us",
		Terms: []string{"united states", "u.s.", "usa", "american", "americans", "federal reserve", "the fed", "fomc", "powell", "congress", "congressional",
			"senate", "senator", "senators", "house of representatives", "white house", "trump", "treasury department", "us treasury", "u.s. treasury",
			"sec", "cftc", "occ", "fdic", "finra", "irs", "doj", "department of justice", "nydfs", "genius act", "clarity act",
			"美国", "美國", "美联储", "美聯儲", "特朗普", "川普"},
		CaseSensitive: []string{"US", "USA"}},
	{Tag: "eu",
		Terms: []string{"european union", "eu", "e.u.", "mica", "esma", "eba", "european commission", "european parliament", "european central bank",
			"ecb", "eurozone", "euro area", "digital euro", "brussels", "amla", "欧盟", "歐盟", "欧洲央行", "歐洲央行", "欧元区", "數字歐元", "数字欧元"}},
}

// Tag returns the sorted tags whose rules match text.
func Tag(text string, rules []Rule) []string {
	norm := normalizeText(text)
	lower := strings.ToLower(norm)
	var out []string
	for _, r := range rules {
		lt, nt := lower, norm
		for _, ex := range r.Exclude {
			ex = strings.ToLower(normalizeText(ex))
			if ex == "" {
				continue
			}
			lt = blank(lt, ex)
		}
		hit := false
		for _, term := range r.Terms {
			if t := strings.ToLower(normalizeText(term)); t != "" && containsTerm(lt, t) {
				hit = true
				break
			}
		}
		if !hit {
			if len(r.Exclude) > 0 {
				nt = blankFold(nt, r.Exclude)
			}
			for _, term := range r.CaseSensitive {
				if t := normalizeText(term); t != "" && containsTerm(nt, t) {
					hit = true
					break
				}
			}
		}
		if hit && r.Tag != "" {
			out = append(out, r.Tag)
		}
	}
	sort.Strings(out)
	return dedupe(out)
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// normalizeText folds typographic apostrophes and dashes so "People’s Bank" matches
// "people's bank" and "real‑world" matches "real-world".
func normalizeText(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '’', '‘', 'ʼ', '＇':
			return '\''
		case '‐', '‑', '‒', '–', '—', '−':
			return '-'
		case '\u00a0', '\u3000':
			return ' '
		}
		return r
	}, s)
}

// blank replaces every occurrence of phrase in s by spaces of the same byte length, so
// offsets (and word boundaries) elsewhere stay intact.
func blank(s, phrase string) string {
	if !strings.Contains(s, phrase) {
		return s
	}
	return strings.ReplaceAll(s, phrase, strings.Repeat(" ", len(phrase)))
}

// blankFold blanks case-insensitive occurrences of phrases in s (used before case-sensitive
// terms). Lower-casing may change byte lengths for a few scripts, so matching is done on a
// lowered copy only when lengths agree.
func blankFold(s string, phrases []string) string {
	lower := strings.ToLower(s)
	if len(lower) != len(s) {
		return s
	}
	b := []byte(s)
	for _, p := range phrases {
		p = strings.ToLower(normalizeText(p))
		if p == "" {
			continue
		}
		for i := 0; ; {
			j := strings.Index(lower[i:], p)
			if j < 0 {
				break
			}
			for k := i + j; k < i+j+len(p); k++ {
				b[k] = ' '
			}
			i += j + len(p)
		}
	}
	return string(b)
}

// containsTerm reports whether term occurs in text with word boundaries where the term starts
// or ends with a (non-CJK) letter or digit.
func containsTerm(text, term string) bool {
	first, _ := utf8.DecodeRuneInString(term)
	last, _ := utf8.DecodeLastRuneInString(term)
	for i := 0; i <= len(text)-len(term); {
		j := strings.Index(text[i:], term)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(term)
		ok := true
		if isWord(first) {
			if prev, _ := utf8.DecodeLastRuneInString(text[:start]); start > 0 && isWord(prev) {
				ok = false
			}
		}
		if ok && isWord(last) {
			if next, _ := utf8.DecodeRuneInString(text[end:]); end < len(text) && isWord(next) {
				ok = false
			}
		}
		if ok {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[start:])
		i = start + max(size, 1)
	}
	return false
}

// isWord is a letter or digit that takes part in word boundaries: CJK ideographs and kana do
// not (Chinese/Japanese text has no spaces between words).
func isWord(r rune) bool {
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
