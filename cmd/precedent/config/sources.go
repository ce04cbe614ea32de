package config

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/precedent-dev/precedent/etl/docusign"
	"github.com/precedent-dev/precedent/etl/hubspot"
	"github.com/precedent-dev/precedent/etl/netsuite"
	"github.com/precedent-dev/precedent/etl/postgres"
	"github.com/precedent-dev/precedent/etl/salesforce"
	"github.com/precedent-dev/precedent/etl/stripe"
	"github.com/precedent-dev/precedent/etl/zendesk"
)

// Source is one source that is no folder: kind postgres is the database a
// connector (Fivetran, Airbyte, Stitch) syncs the vendors' objects into;
// the other kinds are a vendor's account read through its API. The kind's
// settings sit beside name and kind; only the field of its kind is set.
type Source struct {
	Name       string // names its landing folder, data/landing/<name>/
	Kind       string // one of Kinds
	Postgres   postgres.Settings
	Stripe     stripe.Settings
	Zendesk    zendesk.Settings
	NetSuite   netsuite.Settings
	DocuSign   docusign.Settings
	HubSpot    hubspot.Settings
	Salesforce salesforce.Settings

	unknown []*yaml.Node // keys that are no setting of the kind
}

// Kinds are the kinds of source.
var Kinds = []string{"postgres", "stripe", "zendesk", "netsuite", "docusign", "hubspot", "salesforce"}

// validator is what every kind's settings are.
type validator interface{ Validate(prefix string) error }

// settings points at the settings of the source's kind; nil for an
// unknown kind.
func (s *Source) settings() validator {
	switch s.Kind {
	case "postgres":
		return &s.Postgres
	case "stripe":
		return &s.Stripe
	case "zendesk":
		return &s.Zendesk
	case "netsuite":
		return &s.NetSuite
	case "docusign":
		return &s.DocuSign
	case "hubspot":
		return &s.HubSpot
	case "salesforce":
		return &s.Salesforce
	}
	return nil
}

// UnmarshalYAML reads name and kind, then the rest as the settings of
// that kind, so kinds may share setting names (account_id, base_url). A
// key that is no setting of the kind is kept for validateSources to name.
func (s *Source) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a source is a mapping: name, kind and the kind's settings", n.Line)
	}
	rest := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var err error
		switch k.Value {
		case "name":
			err = v.Decode(&s.Name)
		case "kind":
			err = v.Decode(&s.Kind)
		default:
			rest.Content = append(rest.Content, k, v)
		}
		if err != nil {
			return err
		}
	}
	target := s.settings()
	if target == nil {
		return nil // validateSources names the kind
	}
	known := settingNames(target)
	kept := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(rest.Content); i += 2 {
		if slices.Contains(known, rest.Content[i].Value) {
			kept.Content = append(kept.Content, rest.Content[i], rest.Content[i+1])
		} else {
			s.unknown = append(s.unknown, rest.Content[i])
		}
	}
	return kept.Decode(target)
}

// MarshalYAML writes the source as it is read: name, kind and the kind's
// settings beside them.
func (s Source) MarshalYAML() (any, error) {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, kv := range [][2]string{{"name", s.Name}, {"kind", s.Kind}} {
		out.Content = append(out.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: kv[0]}, &yaml.Node{Kind: yaml.ScalarNode, Value: kv[1]})
	}
	target := s.settings()
	if target == nil {
		return out, nil
	}
	var settings yaml.Node
	if err := settings.Encode(target); err != nil {
		return nil, fmt.Errorf("source %s: %w", s.Name, err)
	}
	if settings.Kind == yaml.MappingNode {
		out.Content = append(out.Content, settings.Content...)
	}
	return out, nil
}

// settingNames lists the YAML names of the fields of the settings v points at.
func settingNames(v any) []string {
	t := reflect.TypeOf(v).Elem()
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

var sourceNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// validateSources checks sources:, naming the source and setting.
func (c Config) validateSources() []error {
	var errs []error
	seen := map[string]bool{}
	for i, s := range c.Sources {
		prefix := fmt.Sprintf("sources[%d] (%s)", i, s.Name)
		switch {
		case !sourceNameRe.MatchString(s.Name):
			errs = append(errs, fmt.Errorf("sources[%d].name: %q is not a name of lower-case letters, digits, _ and - (it names the folder data/landing/<name>)", i, s.Name))
		case seen[s.Name]:
			errs = append(errs, fmt.Errorf("%s.name: two sources have this name", prefix))
		}
		seen[s.Name] = true
		target := s.settings()
		if target == nil {
			errs = append(errs, fmt.Errorf("%s.kind: %q is not a kind of source; want one of %s", prefix, s.Kind, strings.Join(Kinds, ", ")))
			continue
		}
		for _, k := range s.unknown {
			errs = append(errs, fmt.Errorf("%s.%s (line %d): not a setting of kind %s, whose settings are %s%s", prefix, k.Value, k.Line, s.Kind, strings.Join(settingNames(target), ", "), owners(k.Value)))
		}
		if err := target.Validate(prefix); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// owners says which other kinds have a setting of this name.
func owners(name string) string {
	var out []string
	for _, k := range Kinds {
		if slices.Contains(settingNames((&Source{Kind: k}).settings()), name) {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " (it is a setting of kind " + strings.Join(out, ", ") + ")"
}
