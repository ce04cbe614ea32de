package hubspotfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// stamp is how the API writes a time.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// object renders a record as the objects API does, with the properties asked for.
func object(r *Record, props []string) map[string]any {
	p := map[string]any{}
	for _, k := range props {
		if v, ok := r.Props[k]; ok {
			p[k] = v
		} else {
			p[k] = nil
		}
	}
	p["hs_object_id"] = r.ID
	p["createdate"] = stamp(r.Created)
	p["hs_lastmodifieddate"] = stamp(r.Modified)
	o := map[string]any{"id": r.ID, "properties": p, "createdAt": stamp(r.Created),
		"updatedAt": stamp(r.Modified), "archived": !r.ArchivedAt.IsZero()}
	if !r.ArchivedAt.IsZero() {
		o["archivedAt"] = stamp(r.ArchivedAt)
	}
	return o
}

func (f *HubSpot) list(w http.ResponseWriter, r *http.Request, typ string) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 10
	}
	archived := q.Get("archived") == "true"
	start := 0
	if a := q.Get("after"); a != "" {
		b, err := base64.StdEncoding.DecodeString(a)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"status":"error","message":"Invalid input JSON on line 1","correlationId":"%s","category":"VALIDATION_ERROR"}`, correlationID)
			return
		}
		start = num(string(b)) + 1
	}
	props := strings.Split(q.Get("properties"), ",")
	results := []map[string]any{}
	next := ""
	for _, rec := range f.objects[typ] {
		if num(rec.ID) < start || archived != !rec.ArchivedAt.IsZero() {
			continue
		}
		if len(results) == limit {
			next = base64.StdEncoding.EncodeToString([]byte(results[limit-1]["id"].(string)))
			break
		}
		results = append(results, object(rec, props))
	}
	answer := map[string]any{"results": results}
	if next != "" {
		answer["paging"] = map[string]any{"next": map[string]any{"after": next, "link": f.srv.URL + r.URL.Path + "?after=" + next}}
	}
	json.NewEncoder(w).Encode(answer)
}

func (f *HubSpot) search(w http.ResponseWriter, typ string, body []byte) {
	var req struct {
		FilterGroups []struct {
			Filters []struct {
				PropertyName string `json:"propertyName"`
				Operator     string `json:"operator"`
				Value        string `json:"value"`
			} `json:"filters"`
		} `json:"filterGroups"`
		Sorts []struct {
			PropertyName string `json:"propertyName"`
			Direction    string `json:"direction"`
		} `json:"sorts"`
		Properties []string `json:"properties"`
		Limit      int      `json:"limit"`
		After      string   `json:"after"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.FilterGroups) != 1 || len(req.FilterGroups[0].Filters) != 1 ||
		len(req.Sorts) != 1 || req.Sorts[0].Direction != "ASCENDING" || req.Sorts[0].PropertyName != "hs_lastmodifieddate" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"status":"error","message":"Invalid input JSON","correlationId":"%s","category":"VALIDATION_ERROR"}`, correlationID)
		return
	}
	fl := req.FilterGroups[0].Filters[0]
	since, _ := strconv.ParseInt(fl.Value, 10, 64)
	offset, _ := strconv.Atoi(req.After)
	if offset+req.Limit > 10000 {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"status":"error","message":"Unable to page past 10000 results","correlationId":"%s","category":"VALIDATION_ERROR"}`, correlationID)
		return
	}
	now := f.clock()
	var found []*Record
	for _, rec := range f.objects[typ] {
		m := rec.Modified.UnixMilli()
		if rec.ArchivedAt.IsZero() && !rec.Indexed.After(now) && fl.PropertyName == "hs_lastmodifieddate" &&
			(fl.Operator == "GTE" && m >= since || fl.Operator == "GT" && m > since) {
			found = append(found, rec)
		}
	}
	slices.SortStableFunc(found, func(a, b *Record) int { return a.Modified.Compare(b.Modified) })
	results := []map[string]any{}
	for i := offset; i < len(found) && i < offset+req.Limit; i++ {
		results = append(results, object(found[i], req.Properties))
	}
	answer := map[string]any{"total": len(found), "results": results}
	if offset+req.Limit < len(found) {
		answer["paging"] = map[string]any{"next": map[string]any{"after": strconv.Itoa(offset + req.Limit)}}
	}
	json.NewEncoder(w).Encode(answer)
}

func (f *HubSpot) batchRead(w http.ResponseWriter, from, to string, body []byte) {
	var req struct {
		Inputs []struct {
			ID string `json:"id"`
		} `json:"inputs"`
	}
	json.Unmarshal(body, &req)
	singular := map[string]string{"companies": "company", "deals": "deal", "line_items": "line_item", "tickets": "ticket"}
	primary := map[string]int{"deals/companies": 5, "tickets/companies": 339}
	results, errs := []any{}, []any{}
	for _, in := range req.Inputs {
		ids := f.assocs[from+"/"+to][in.ID]
		if len(ids) == 0 {
			errs = append(errs, map[string]any{"status": "error", "category": "OBJECT_NOT_FOUND", "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
				"message": fmt.Sprintf("No %s is associated with %s %s.", singular[to], singular[from], in.ID),
				"context": map[string]any{"fromObjectId": []string{in.ID}, "fromObjectType": []string{singular[from]}, "toObjectType": []string{singular[to]}}})
			continue
		}
		var tos []any
		for i, id := range ids {
			types := []any{map[string]any{"category": "HUBSPOT_DEFINED", "typeId": 341, "label": nil}}
			if t, ok := primary[from+"/"+to]; ok && i == 0 {
				types = append([]any{map[string]any{"category": "HUBSPOT_DEFINED", "typeId": t, "label": "Primary"}}, types...)
			}
			tos = append(tos, map[string]any{"toObjectId": json.Number(id), "associationTypes": types})
		}
		results = append(results, map[string]any{"from": map[string]any{"id": in.ID}, "to": tos})
	}
	now := stamp(f.clock())
	answer := map[string]any{"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
	if len(errs) > 0 {
		answer["numErrors"] = len(errs)
		answer["errors"] = errs
		w.WriteHeader(http.StatusMultiStatus)
	}
	json.NewEncoder(w).Encode(answer)
}
