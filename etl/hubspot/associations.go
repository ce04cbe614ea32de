package hubspot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// associated is one associated record.
type associated struct {
	id      string
	primary bool // of the association type labelled Primary
}

// batchInput and batchAnswer are the v4 associations batch read's body and answer
// (https://developers.hubspot.com/docs/api/crm/associations, "Retrieve
// associations"): per record, the associated records with their
// association types, paged per record; a record with none is an error of
// subCategory crm.associations.NO_ASSOCIATIONS_FOUND in a 207 answer.
type batchInput struct {
	ID    string `json:"id"`
	After string `json:"after,omitempty"`
}

type batchAnswer struct {
	Status  string `json:"status"`
	Results []struct {
		From struct {
			ID string `json:"id"`
		} `json:"from"`
		To []struct {
			ToObjectID       json.Number `json:"toObjectId"`
			AssociationTypes []struct {
				Category string  `json:"category"`
				TypeID   int     `json:"typeId"`
				Label    *string `json:"label"`
			} `json:"associationTypes"`
		} `json:"to"`
		Paging struct {
			Next struct {
				After string `json:"after"`
			} `json:"next"`
		} `json:"paging"`
	} `json:"results"`
	Errors []struct {
		Category    string `json:"category"`
		SubCategory string `json:"subCategory"`
		Message     string `json:"message"`
	} `json:"errors"`
}

// associations reads the records of type to associated with the records
// ids of type from, by record id.
func (c *client) associations(ctx context.Context, from, to string, ids []string) (map[string][]associated, error) {
	path := "/crm/v4/associations/" + from + "/" + to + "/batch/read"
	out := map[string][]associated{}
	inputs := make([]batchInput, len(ids))
	for i, id := range ids {
		inputs[i] = batchInput{ID: id}
	}
	for len(inputs) > 0 {
		var ans batchAnswer
		if _, err := c.do(ctx, http.MethodPost, path, nil, map[string]any{"inputs": inputs}, &ans); err != nil {
			return nil, err
		}
		for _, e := range ans.Errors {
			if !strings.HasSuffix(e.SubCategory, "NO_ASSOCIATIONS_FOUND") {
				return nil, fmt.Errorf("POST %s: %s: %s", path, e.Category, e.Message)
			}
		}
		inputs = nil
		for _, r := range ans.Results {
			for _, t := range r.To {
				a := associated{id: t.ToObjectID.String()}
				for _, at := range t.AssociationTypes {
					a.primary = a.primary || (at.Label != nil && *at.Label == "Primary")
				}
				out[r.From.ID] = append(out[r.From.ID], a)
			}
			if next := r.Paging.Next.After; next != "" {
				inputs = append(inputs, batchInput{ID: r.From.ID, After: next})
			}
		}
	}
	return out, nil
}

// first is the id of the primary associated record, else of the first
// one; nil when there is none.
func first(to []associated) any {
	for _, a := range to {
		if a.primary {
			return a.id
		}
	}
	if len(to) > 0 {
		return to[0].id
	}
	return nil
}
