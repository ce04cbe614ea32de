package etl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// recordKeys are the members under which the vendors' APIs return a page
// of records, in the order they are preferred when a document holds more
// than one list: Salesforce REST (records), Stripe (data), HubSpot
// (results), NetSuite SuiteQL (items, beside links), Zendesk (tickets,
// organizations, audits, ticket_events, ...), DocuSign (envelopes).
var recordKeys = []string{"records", "data", "results", "items", "tickets", "organizations", "audits", "ticket_audits", "ticket_events", "users", "envelopes"}

// jsonLines writes the records of the JSON document at src (an array of
// objects, or an object holding one such array, as an API page does) as
// JSON lines into a new file in dir, one record per line, so the document
// is read like a JSON lines file whose row numbers count records. It
// returns the new file's path and the member the records were under ("" for
// a top-level array). A document that holds no list of records is an
// *errUnreadable naming what it found.
func jsonLines(src, name, dir string) (string, string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", "", err
	}
	defer in.Close()
	br := bufio.NewReaderSize(in, 1<<16)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		br.Discard(3)
	}
	out, err := os.CreateTemp(dir, "*.jsonl")
	if err != nil {
		return "", "", err
	}
	defer out.Close()
	w := bufio.NewWriterSize(out, 1<<16)
	dec := json.NewDecoder(br)
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return "", "", &errUnreadable{name, "not a JSON document: " + jsonProblem(err)}
	}
	key := ""
	switch tok {
	case json.Delim('['):
		if err := copyRecords(dec, w); err != nil {
			return "", "", &errUnreadable{name, err.Error()}
		}
	case json.Delim('{'):
		var doc map[string]json.RawMessage
		rest, err := io.ReadAll(io.MultiReader(dec.Buffered(), br))
		if err != nil {
			return "", "", err
		}
		if err := json.Unmarshal(append([]byte{'{'}, rest...), &doc); err != nil {
			return "", "", &errUnreadable{name, "not a JSON document: " + jsonProblem(err)}
		}
		if key, err = recordsKey(doc); err != nil {
			return "", "", &errUnreadable{name, err.Error()}
		}
		inner := json.NewDecoder(bytes.NewReader(doc[key]))
		inner.UseNumber()
		inner.Token() // the list's '[', checked by recordsKey
		if err := copyRecords(inner, w); err != nil {
			return "", "", &errUnreadable{name, key + ": " + err.Error()}
		}
	default:
		return "", "", &errUnreadable{name, fmt.Sprintf("a JSON document must be a list of records or an object holding one; this one is %v", tok)}
	}
	if err := w.Flush(); err != nil {
		return "", "", err
	}
	return out.Name(), key, nil
}

// copyRecords writes each element of the list dec is inside as one line.
// An element that is not an object is written too: the reader quarantines
// it as a malformed record.
func copyRecords(dec *json.Decoder, w *bufio.Writer) error {
	for dec.More() {
		var rec json.RawMessage
		if err := dec.Decode(&rec); err != nil {
			return errors.New("malformed JSON: " + jsonProblem(err))
		}
		var line bytes.Buffer
		if err := json.Compact(&line, rec); err != nil {
			return errors.New("malformed JSON: " + jsonProblem(err))
		}
		line.WriteByte('\n')
		if _, err := w.Write(line.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// recordsKey picks the member of an API page that holds its records: the
// only list, else the first of recordKeys present.
func recordsKey(doc map[string]json.RawMessage) (string, error) {
	var lists []string
	for k, v := range doc {
		if t := bytes.TrimSpace(v); len(t) > 0 && t[0] == '[' {
			lists = append(lists, k)
		}
	}
	slices.Sort(lists)
	switch {
	case len(lists) == 1:
		return lists[0], nil
	case len(lists) == 0:
		keys := make([]string, 0, len(doc))
		for k := range doc {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return "", fmt.Errorf("the JSON document holds no list of records (members: %s); export a list, an API page (records, data, results, ...) or JSON lines", strings.Join(keys, ", "))
	}
	for _, k := range recordKeys {
		if slices.Contains(lists, k) {
			return k, nil
		}
	}
	return "", fmt.Errorf("the JSON document holds several lists (%s) and none is a known list of records (%s)", strings.Join(lists, ", "), strings.Join(recordKeys, ", "))
}

// jsonProblem phrases a decoding error without Go's type names.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%s at byte %d", syn.Error(), syn.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the document ends early"
	}
	return err.Error()
}
