package adapters

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Detection is how a file's object was found.
type Detection struct {
	Object *Object
	By     string // "config", "name" or "header"
	// Missing lists the required fields the file lacks (by the vendor's
	// names); the file is then rejected.
	Missing []string
}

// vendorPrefixes are file name prefixes (canonical) that name a vendor.
var vendorPrefixes = map[string][]string{
	"salesforce": {"salesforce", "sfdc", "sf"},
	"docusign":   {"docusign", "ds"},
	"netsuite":   {"netsuite", "ns"},
	"hubspot":    {"hubspot"},
	"stripe":     {"stripe"},
	"zendesk":    {"zendesk", "zd"},
}

// Detect finds the object of a source file from the configuration, its
// name or its header. rel is the path relative to the source directory
// (slash separated), header the file's column names. ok is false when the
// file is no vendor object Precedent knows; an error says the file or the
// configuration is ambiguous or wrong.
func (c Config) Detect(rel string, header []string) (d Detection, ok bool, err error) {
	if o, found, err := c.configured(rel); err != nil || found {
		if err != nil {
			return d, false, err
		}
		return Detection{Object: o, By: "config", Missing: o.Missing(header)}, true, nil
	}
	byName := nameCandidates(rel)
	if len(byName) > 0 {
		o, ambiguous := c.best(byName, header, false)
		if len(ambiguous) > 1 {
			return d, false, fmt.Errorf("%s: could be %s; name it in vendors.files", rel, strings.Join(ambiguous, " or "))
		}
		if o == nil {
			// The name alone decides when only one object has it.
			if len(byName) > 1 {
				return d, false, fmt.Errorf("%s: could be %s by its name, and its header fits none; name it in vendors.files", rel, ids(byName))
			}
			o = byName[0]
		}
		return Detection{Object: o, By: "name", Missing: o.Missing(header)}, true, nil
	}
	o, ambiguous := c.best(Objects(), header, true)
	if len(ambiguous) > 1 {
		return d, false, fmt.Errorf("%s: its header fits %s; name it in vendors.files", rel, strings.Join(ambiguous, " and "))
	}
	if o == nil {
		return d, false, nil
	}
	return Detection{Object: o, By: "header"}, true, nil
}

// configured finds the object vendors.files names for rel.
func (c Config) configured(rel string) (*Object, bool, error) {
	keys := make([]string, 0, len(c.Files))
	for k := range c.Files {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, pattern := range keys {
		m, _ := path.Match(pattern, rel)
		if !m && pattern != rel && pattern != path.Base(rel) {
			continue
		}
		o, ok := Lookup(c.Files[pattern])
		if !ok {
			return nil, false, fmt.Errorf("vendors.files.%s: %q is no vendor object", pattern, c.Files[pattern])
		}
		return o, true, nil
	}
	return nil, false, nil
}

// best picks among candidates the object whose required fields the header
// has and that matches most of its fields. strict (detection by header
// alone) also asks that every required field and at least three fields
// match. On a tie it returns the tied objects' ids.
func (c Config) best(candidates []*Object, header []string, strict bool) (*Object, []string) {
	var top []*Object
	topScore := 0
	for _, o := range candidates {
		if len(o.Missing(header)) > 0 {
			continue
		}
		score := 0
		seen := map[string]bool{}
		for _, h := range header {
			if k, ok := c.Match(o, h); ok && !seen[k] {
				if _, common := commonKey(k); !common {
					score++
				}
				seen[k] = true
			}
		}
		if strict && (score < 3 || !distinctive(o, seen)) {
			continue
		}
		switch {
		case score > topScore:
			top, topScore = []*Object{o}, score
		case score == topScore && score > 0:
			top = append(top, o)
		}
	}
	if len(top) == 1 {
		return top[0], nil
	}
	var out []string
	for _, o := range top {
		out = append(out, o.ID())
	}
	return nil, out
}

// distinctive says a header matched at least one field whose name is not
// generic (id, name, status, ...), so a header alone names the object.
func distinctive(o *Object, seen map[string]bool) bool {
	generic := []string{"id", "name", "status", "type", "amount", "currency", "created", "description", "quantity", "metadata", "email", "subject", "priority", "memo"}
	for k := range seen {
		if !slices.Contains(generic, k) {
			if f, ok := o.Field(k); ok && f.Required {
				return true
			}
		}
	}
	return false
}

func commonKey(k string) (Field, bool) {
	for _, f := range common {
		if f.Key() == k {
			return f, true
		}
	}
	return Field{}, false
}

// nameCandidates lists the objects a file's name (and its folders) name:
// its own name, or else the name of the folder holding it, so that
// salesforce/opportunity/000017.parquet (a pull's landed file) is an
// Opportunity.
func nameCandidates(rel string) []*Object {
	base := path.Base(rel)
	if out := namedBy(rel, Canonical(strings.TrimSuffix(base, path.Ext(base)))); len(out) > 0 {
		return out
	}
	if dir := path.Dir(rel); dir != "." {
		return namedBy(dir, Canonical(path.Base(dir)))
	}
	return nil
}

// namedBy lists the objects stem names, within the vendor that a prefix
// of stem or a folder of rel names.
func namedBy(rel, stem string) []*Object {
	hint := ""
	for _, dir := range strings.Split(path.Dir(rel), "/") {
		if v := vendorOf(Canonical(dir)); v != "" {
			hint = v
		}
	}
	for v, prefixes := range vendorPrefixes {
		for _, p := range prefixes {
			if rest, ok := strings.CutPrefix(stem, p+"_"); ok && rest != "" {
				stem, hint = rest, v
			}
		}
	}
	var out []*Object
	for _, o := range Objects() {
		if hint != "" && o.Vendor != hint {
			continue
		}
		names := append([]string{Canonical(o.Name)}, o.Files...)
		if slices.Contains(names, stem) || slices.Contains(names, singular(stem)) {
			out = append(out, o)
		}
	}
	return out
}

func vendorOf(dir string) string {
	for v, prefixes := range vendorPrefixes {
		if dir == v || slices.Contains(prefixes, dir) {
			return v
		}
	}
	return ""
}

func singular(s string) string {
	switch {
	case strings.HasSuffix(s, "ies"):
		return strings.TrimSuffix(s, "ies") + "y"
	case strings.HasSuffix(s, "s"):
		return strings.TrimSuffix(s, "s")
	}
	return s
}

func ids(objs []*Object) string {
	var out []string
	for _, o := range objs {
		out = append(out, o.ID())
	}
	return strings.Join(out, " or ")
}
