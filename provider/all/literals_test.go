package all

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	cw "cryptoweekly"
)

// A provenance id is a constant of the provider that stores it: no other package spells it, so
// renaming a series is one edit and the compiler finds every reader.
func TestNoProvenanceLiteralsOutsideProviders(t *testing.T) {
	ids := map[string]string{}
	var prefixes []string
	for _, p := range cw.Providers() {
		for _, s := range p.Sources {
			ids[string(s)] = p.Name
		}
		if p.SourcePrefix != "" {
			prefixes = append(prefixes, p.SourcePrefix)
		}
	}
	root := "../.."
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch {
			case rel == "provider", rel != "." && strings.HasPrefix(d.Name(), "."), d.Name() == "testdata",
				rel == filepath.Join("render", "rendertest"), rel == filepath.Join("internal", "sourcetest"):
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if p, ok := ids[s]; ok {
				t.Errorf("%s: %q is %s's provenance id: use its constant", fset.Position(lit.Pos()), s, p)
			}
			for _, pre := range prefixes {
				if s == pre {
					t.Errorf("%s: %q is a provider's id prefix: use its constant", fset.Position(lit.Pos()), s)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 30 {
		t.Fatalf("only %d files checked: wrong root?", checked)
	}
}
