package adapters

import (
	"context"
	"path/filepath"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Id", "id"},
		{"AccountId", "account_id"},
		{"account_id", "account_id"},
		{"SBQQ__NetPrice__c", "sbqq_net_price_c"},
		{"sbqq_net_price_c", "sbqq_net_price_c"},
		{"SBQQ__AdditionalDiscountAmount__c", "sbqq_additional_discount_amount_c"},
		{"sbaa__ApprovalStep__c", "sbaa_approval_step_c"},
		{"dsfs__DocuSign_Status__c", "dsfs_docu_sign_status_c"},
		{"envelopeId", "envelope_id"},
		{"##SFOpportunity", "sf_opportunity"},
		{"IsWon", "is_won"},
		{"_fivetran_synced", "_fivetran_synced"},
		{"Close Date", "close_date"},
		{"Associated Company IDs", "associated_company_ids"},
		{"Amount (Foreign Currency)", "amount_foreign_currency"},
		{"status_transitions.paid_at", "status_transitions_paid_at"},
		{"salesforce_account_id (metadata)", "salesforce_account_id_metadata"},
		{"\ufeffId", "id"},
	}
	for _, tt := range tests {
		if got := Canonical(tt.in); got != tt.want {
			t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSalesforceID checks the 18-character form in Go and in SQL agree
// with Salesforce's published examples and each other.
func TestSalesforceID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"001A0000006Vm9r", "001A0000006Vm9rIAC"},
		{"003A0000005QB3A", "003A0000005QB3AIAW"},
		{"0015g00000AbCdE", "0015g00000AbCdEAAV"},
		{"0015g00000AbCdEAAV", "0015g00000AbCdEAAV"}, // 18 characters stay
		{"cus_ABC", "cus_ABC"},                       // not a Salesforce id
	}
	ctx := context.Background()
	db, err := wh.Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"), wh.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, m := range macros {
		if _, err := conn.ExecContext(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range tests {
		if got := SalesforceID18(tt.in); got != tt.want {
			t.Errorf("SalesforceID18(%q) = %q, want %q", tt.in, got, tt.want)
		}
		var got string
		if err := conn.QueryRowContext(ctx, "SELECT v_sfid(?)", tt.in).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("v_sfid(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestConversions checks each conversion's SQL on the values vendors write.
func TestConversions(t *testing.T) {
	ctx := context.Background()
	db, err := wh.Open(ctx, filepath.Join(t.TempDir(), "t.duckdb"), wh.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, m := range macros {
		if _, err := conn.ExecContext(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, expr string
		args       []any
		want       string
	}{
		{"MinorUSD", "v_minor(?, ?)", []any{"123456", "usd"}, "1234.56"},
		{"MinorJPYNotDivided", "v_minor(?, ?)", []any{"5000", "jpy"}, "5000"},
		{"MinorKWDThousandths", "v_minor(?, ?)", []any{"12345", "KWD"}, "12.345"},
		{"MinorNegative", "v_minor(?, ?)", []any{"-250", "eur"}, "-2.50"},
		{"MinorNotANumberPassesOn", "v_minor(?, ?)", []any{"12.5", "usd"}, "12.5"},
		{"UnixSeconds", "v_unix(?)", []any{"1743465600"}, "2025-04-01 00:00:00"},
		{"UnixMilliseconds", "v_unix(?)", []any{"1743465600500"}, "2025-04-01 00:00:00"},
		{"UnixISO", "v_unix(?)", []any{"2025-04-01T02:00:00+02:00"}, "2025-04-01 00:00:00"},
		{"UnixDate", "left(v_unix(?), 10)", []any{"1743551999"}, "2025-04-01"},
		{"TimeOffsetToUTC", "v_ts(?, ?)", []any{"2025-07-14T23:30:00-07:00", "UTC"}, "2025-07-15 06:30:00"},
		{"TimeZoulu", "v_ts(?, ?)", []any{"2025-03-27T18:30:00.000Z", "America/New_York"}, "2025-03-27 18:30:00"},
		{"TimeNoOffsetInVendorZone", "v_ts(?, ?)", []any{"2025-01-10 22:30:00", "America/New_York"}, "2025-01-11 03:30:00"},
		{"TimeUSReport", "v_ts(?, ?)", []any{"1/10/2025 10:30 PM", "America/New_York"}, "2025-01-11 03:30:00"},
		{"TimeUnreadablePassesOn", "v_ts(?, ?)", []any{"yesterday", "UTC"}, "yesterday"},
		{"DateISO", "v_date(?, ?)", []any{"2025-03-28", "UTC"}, "2025-03-28"},
		{"DateUS", "v_date(?, ?)", []any{"7/1/2025", "UTC"}, "2025-07-01"},
		{"DateOfTimestampInUTC", "v_date(?, ?)", []any{"2025-07-14T23:30:00-07:00", "UTC"}, "2025-07-15"},
		{"BoolT", "v_bool(?)", []any{"T"}, "true"},
		{"BoolNo", "v_bool(?)", []any{"no"}, "false"},
		{"Words", "array_to_string(v_words(?), ',')", []any{`["VIP", "escalated"]`}, "vip,escalated"},
		{"CarriedSalesforceID", "v_anyid(?)", []any{"0015g00000AbCdE"}, "0015g00000AbCdEAAV"},
		{"CarriedNumericID", "v_anyid(?)", []any{"123456789012345"}, "123456789012345"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if err := conn.QueryRowContext(ctx, "SELECT "+tt.expr, tt.args...).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
