package salesforce

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// bulkPageRecords is the most records one results call of a Bulk API 2.0
// query job asks for (maxRecords).
const bulkPageRecords = 50000

// bulkJob is what the pull reads of a query job's info.
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_one_job.htm
type bulkJob struct {
	ID           string `json:"id"`
	State        string `json:"state"` // UploadComplete, InProgress, JobComplete, Aborted, Failed
	ErrorMessage string `json:"errorMessage"`
}

// bulk reads the changed records through a Bulk API 2.0 query job
// (operation queryAll, so deleted records come with IsDeleted true): it
// creates the job, waits for it to complete, and reads its CSV results
// page by page with Sforce-Locator, adding each row to the file as the
// REST API would send the record. The results are not ordered, so the
// cursor moves, to the greatest SystemModstamp read, only once all are
// added; after a failure it stays, and the next pull reads the job's
// records again (each loads once: the later file wins).
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/queries.htm
func (p *objectPull) bulk(ctx context.Context, cur cursor) (cursor, error) {
	body, err := json.Marshal(map[string]string{"operation": "queryAll", "query": p.soql(cur, false)})
	if err != nil {
		return cur, err
	}
	res, err := p.c.create(ctx, p.c.apiPath("/jobs/query"), body)
	if err != nil {
		return cur, err
	}
	asOf := serverTime(res)
	var job bulkJob
	if err := json.Unmarshal(res.body, &job); err != nil || job.ID == "" {
		return cur, fmt.Errorf("POST /jobs/query: the answer holds no job id")
	}
	if err := p.await(ctx, job); err != nil {
		return cur, err
	}
	var newest time.Time
	locator := ""
	for {
		q := url.Values{"maxRecords": {strconv.Itoa(bulkPageRecords)}}
		if locator != "" {
			q.Set("locator", locator)
		}
		path := p.c.apiPath("/jobs/query/" + job.ID + "/results?" + q.Encode())
		res, err := p.c.doAccept(ctx, http.MethodGet, path, nil, "text/csv")
		if err != nil {
			return cur, err
		}
		t, err := p.addCSV(res.body)
		if err != nil {
			return cur, fmt.Errorf("GET %s: %w", path, err)
		}
		if t.After(newest) {
			newest = t
		}
		p.progress()
		// Sforce-Locator is the string null after the last page.
		locator = res.header.Get("Sforce-Locator")
		if locator == "" || locator == "null" {
			return moved(cur, newest, asOf), nil
		}
	}
}

// await polls the job until it completes, waiting Poll, doubled up to 30s,
// between reads. A job not complete within bulk_max_wait, or whose
// polling fails, is aborted: it would go on using the org's resources
// for a pull that has given up.
func (p *objectPull) await(ctx context.Context, job bulkJob) (err error) {
	wait := p.src.Poll
	if wait <= 0 {
		wait = 2 * time.Second
	}
	maxWait := p.src.Settings.bulkMaxWait()
	deadline := time.Now().Add(maxWait)
	defer func() {
		if err != nil && (job.State == "UploadComplete" || job.State == "InProgress") {
			if aerr := p.abort(ctx, job.ID); aerr != nil {
				err = errors.Join(err, aerr)
			}
		}
	}()
	for {
		switch job.State {
		case "JobComplete":
			return nil
		case "Failed", "Aborted":
			return fmt.Errorf("bulk API 2.0 query job %s %s: %s", job.ID, job.State, job.ErrorMessage)
		}
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("bulk API 2.0 query job %s still %s after bulk_max_wait %s: aborted", job.ID, job.State, maxWait)
		}
		if err := sleep(ctx, min(wait, left)); err != nil {
			return err
		}
		wait = min(2*wait, 30*time.Second)
		res, err := p.c.do(ctx, http.MethodGet, p.c.apiPath("/jobs/query/"+job.ID), nil)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(res.body, &job); err != nil {
			return fmt.Errorf("GET /jobs/query/%s: the answer is not a job: %w", job.ID, err)
		}
	}
}

// abort aborts a query job that has not completed, as "Abort a Query
// Job" shows: PATCH /jobs/query/<id> with {"state": "Aborted"}. It is
// asked for even when ctx is done (the pull stopped), within a minute.
// https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_abort_job.htm
func (p *objectPull) abort(ctx context.Context, id string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if _, err := p.c.do(ctx, http.MethodPatch, p.c.apiPath("/jobs/query/"+id), []byte(`{"state":"Aborted"}`)); err != nil {
		return fmt.Errorf("abort bulk API 2.0 query job %s: %w", id, err)
	}
	p.log.Info("salesforce Bulk API 2.0 query job aborted", "object", p.object.Name, "job", id)
	return nil
}

// addCSV adds the rows of one page of a job's CSV results to the file,
// each as a JSON object typed as the REST API types it (booleans, numbers,
// null for an empty value), and returns the greatest SystemModstamp.
func (p *objectPull) addCSV(body []byte) (time.Time, error) {
	r := csv.NewReader(bytes.NewReader(body))
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("the results are not CSV: %w", err)
	}
	types := make([]string, len(header))
	for i, h := range header {
		for _, f := range p.fields {
			if f.Name == h {
				types[i] = f.Type
			}
		}
	}
	var newest time.Time
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return newest, nil
		}
		if err != nil {
			return newest, fmt.Errorf("the results are not CSV: %w", err)
		}
		rec := make(map[string]json.RawMessage, len(header))
		for i, h := range header {
			rec[h] = typed(row[i], types[i])
		}
		line, err := json.Marshal(rec)
		if err != nil {
			return newest, err
		}
		if err := p.file.Add(line); err != nil {
			return newest, err
		}
		if string(rec[fieldDeleted]) == "true" {
			p.deleted++
		}
		t, err := modstamp(rec)
		if err != nil {
			return newest, err
		}
		if t.After(newest) {
			newest = t
		}
	}
}

// typed is a CSV value as the REST API writes a value of the field type:
// boolean as true or false, numbers as numbers, an empty value as null,
// else a string.
func typed(v, fieldType string) json.RawMessage {
	if v == "" {
		return json.RawMessage("null")
	}
	switch fieldType {
	case "boolean":
		if b, err := strconv.ParseBool(v); err == nil {
			return json.RawMessage(strconv.FormatBool(b))
		}
	case "int", "long", "double", "currency", "percent":
		if json.Valid([]byte(v)) {
			if _, err := strconv.ParseFloat(v, 64); err == nil {
				return json.RawMessage(v)
			}
		}
	}
	b, _ := json.Marshal(v)
	return b
}
