package netsuite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/adapters"
	"github.com/precedent-dev/precedent/etl/netsuite"
	"github.com/precedent-dev/precedent/etl/netsuite/netsuitefake"
)

// customers is an account with customers modified at the given times,
// their ids 7001 on.
func customers(t *testing.T, modified ...string) *netsuitefake.NetSuite {
	f := netsuitefake.New(t)
	for i, m := range modified {
		id := string(rune('1'+i)) + "00"
		f.Tables["customer"] = append(f.Tables["customer"], netsuitefake.Row{"id": "7" + id, "entityid": "CUST" + id, "lastmodifieddate": m})
	}
	return f
}

// pullCustomers pulls src into dir and returns the customers pulled.
func pullCustomers(t *testing.T, src *netsuite.Source, dir string, run int) (etl.PullObject, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	env := etl.PullEnv{RunID: run, Landing: filepath.Join(dir, "landing"), Cursors: filepath.Join(dir, "cursors.json")}
	rep, err := src.Pull(ctx, env)
	for _, o := range rep.Objects {
		if o.Object == "netsuite/customer" {
			return o, err
		}
	}
	return etl.PullObject{}, err
}

// TestSettle checks that the saved cursor trails the server's time (its
// Date header) by a minute on the token user's clock
// (vendors.time_zones.netsuite), so records changed in that minute,
// perhaps by transactions not committed yet, are read again by the next
// pull; that with the zone unset it trails as on the earliest clock
// (UTC-12); and that it never rests in the hour the end of daylight
// saving time repeats.
func TestSettle(t *testing.T) {
	t.Run("TimeZone", func(t *testing.T) {
		f := customers(t, "2025-05-01 09:00:00", "2025-05-01 10:00:00")
		f.Now = time.Date(2025, 5, 1, 17, 0, 30, 0, time.UTC) // 10:00:30 in Los Angeles (PDT)
		src := &netsuite.Source{SourceName: "erp", Settings: settings(t, f), Retries: -1,
			Vendors: adapters.Config{TimeZones: map[string]string{"netsuite": "America/Los_Angeles"}}}
		dir := t.TempDir()
		o, err := pullCustomers(t, src, dir, 1)
		if err != nil || o.Rows != 2 || o.Cursor != "2025-05-01 09:59:30 0" {
			t.Errorf("pulled %+v (%v), want both customers and the cursor a minute before the server's time", o, err)
		}
		f.Now = f.Now.Add(time.Hour)
		o, err = pullCustomers(t, src, dir, 2)
		if err != nil || o.Rows != 1 || o.Cursor != "2025-05-01 10:00:00 7200" {
			t.Errorf("next pull %+v (%v), want the customer of the last minute again, then the cursor at it", o, err)
		}
	})
	t.Run("NoTimeZone", func(t *testing.T) {
		f := customers(t, "2025-05-01 09:00:00", "2025-05-01 10:00:00")
		f.Now = time.Date(2025, 5, 1, 17, 0, 30, 0, time.UTC)
		src := &netsuite.Source{SourceName: "erp", Settings: settings(t, f), Retries: -1}
		o, err := pullCustomers(t, src, t.TempDir(), 1)
		if err != nil || o.Rows != 2 || o.Cursor != "2025-05-01 04:59:30 0" {
			t.Errorf("pulled %+v (%v), want the cursor 12 hours and a minute before the server's time", o, err)
		}
	})
	t.Run("RepeatedHour", func(t *testing.T) {
		// New York's clocks went back from 02:00 EDT to 01:00 EST on
		// 2025-11-02: 01:30 names two instants.
		f := customers(t, "2025-11-02 00:10:00", "2025-11-02 01:30:00")
		f.Now = time.Date(2025, 11, 2, 12, 0, 0, 0, time.UTC)
		src := &netsuite.Source{SourceName: "erp", Settings: settings(t, f), Retries: -1,
			Vendors: adapters.Config{TimeZones: map[string]string{"netsuite": "America/New_York"}}}
		dir := t.TempDir()
		o, err := pullCustomers(t, src, dir, 1)
		if err != nil || o.Rows != 2 || o.Cursor != "2025-11-02 00:30:00 0" {
			t.Errorf("pulled %+v (%v), want the cursor an hour before the repeated time", o, err)
		}
		f.Reset()
		o, err = pullCustomers(t, src, dir, 2)
		if calls := strings.Join(f.Reset(), " "); !strings.Contains(calls, "customer@2025-11-02 00:30:00") {
			t.Errorf("calls %s, want the customers after 00:30", calls)
		}
		if err != nil || o.Rows != 1 || o.Cursor != "2025-11-02 00:30:00 0" {
			t.Errorf("next pull %+v (%v), want the customer of the repeated hour again", o, err)
		}
	})
}

// TestNoProgress checks that a full page that does not move the cursor
// fails the pull instead of being asked for forever: three customers
// saved in one second, their times holding fractions the cursor cannot
// tell apart, in pages of two.
func TestNoProgress(t *testing.T) {
	f := customers(t, "2025-05-01 09:00:00.250", "2025-05-01 09:00:00.500", "2025-05-01 09:00:00.750")
	src := &netsuite.Source{SourceName: "erp", Settings: settings(t, f), Retries: -1, PageSize: 2}
	o, err := pullCustomers(t, src, t.TempDir(), 1)
	if err == nil || !strings.Contains(err.Error(), "netsuite/customer: SuiteQL answered a full page ending at 2025-05-01 09:00:00 7200, not after the position it was asked after (2025-05-01 09:00:00 7200)") {
		t.Errorf("got %v, want the page that did not move the cursor refused", err)
	}
	if o.Cursor != "2025-05-01 09:00:00 7200" {
		t.Errorf("pulled %+v, want the cursor at the last customer landed", o)
	}
}
