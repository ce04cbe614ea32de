package adapters

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"
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
	_, conn := fixture.Conn(t, filepath.Join(t.TempDir(), "t.duckdb"))
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
	_, conn := fixture.Conn(t, filepath.Join(t.TempDir(), "t.duckdb"))
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
		{"UnixDecimalSeconds", "v_unix(?)", []any{"1743465600.000000000"}, "2025-04-01 00:00:00"},
		{"UnixISO", "v_unix(?)", []any{"2025-04-01T02:00:00+02:00"}, "2025-04-01 00:00:00"},
		{"UnixDate", "left(v_unix(?), 10)", []any{"1743551999"}, "2025-04-01"},
		{"TimeOffsetToUTC", "v_ts(?, ?, 'mdy')", []any{"2025-07-14T23:30:00-07:00", "UTC"}, "2025-07-15 06:30:00"},
		{"TimeZoulu", "v_ts(?, ?, 'mdy')", []any{"2025-03-27T18:30:00.000Z", "America/New_York"}, "2025-03-27 18:30:00"},
		{"TimeNoOffsetInVendorZone", "v_ts(?, ?, 'mdy')", []any{"2025-01-10 22:30:00", "America/New_York"}, "2025-01-11 03:30:00"},
		{"TimeUSReport", "v_ts(?, ?, 'mdy')", []any{"1/10/2025 10:30 PM", "America/New_York"}, "2025-01-11 03:30:00"},
		{"TimeUnreadablePassesOn", "v_ts(?, ?, 'mdy')", []any{"yesterday", "UTC"}, "yesterday"},
		{"DateISO", "v_date(?, ?, 'mdy')", []any{"2025-03-28", "UTC"}, "2025-03-28"},
		{"DateUS", "v_date(?, ?, 'mdy')", []any{"7/1/2025", "UTC"}, "2025-07-01"},
		{"DateOfTimestampInUTC", "v_date(?, ?, 'mdy')", []any{"2025-07-14T23:30:00-07:00", "UTC"}, "2025-07-15"},
		{"DateUSNetSuite", "v_date(?, ?, 'mdy')", []any{"11/3/2026", "UTC"}, "2026-11-03"},
		{"DateDayFirst", "v_date(?, ?, 'dmy')", []any{"11/3/2026", "UTC"}, "2026-03-11"},
		{"DateDotted", "v_date(?, ?, 'mdy')", []any{"3.11.2026", "UTC"}, "2026-11-03"},
		{"DateUSWithTimePM", "v_date(?, ?, 'mdy')", []any{"11/3/2026 11:30 pm", "UTC"}, "2026-11-03"},
		{"DateUSWithTimeInZone", "v_date(?, ?, 'mdy')", []any{"11/3/2026 11:30 PM", "America/New_York"}, "2026-11-04"},
		{"DateNotADatePassesOn", "v_date(?, ?, 'mdy')", []any{"13/13/2026", "UTC"}, "13/13/2026"},
		{"TimeDayFirst24h", "v_ts(?, ?, 'dmy')", []any{"25/12/2025 14:05", "UTC"}, "2025-12-25 14:05:00"},
		{"TimeDayFirstSeconds", "v_ts(?, ?, 'dmy')", []any{"25/12/2025 14:05:09", "UTC"}, "2025-12-25 14:05:09"},
		{"TimeDottedInZone", "v_ts(?, ?, 'mdy')", []any{"25.12.2025 14:05", "Europe/Berlin"}, "2025-12-25 13:05:00"},
		{"TimeUSSecondsAM", "v_ts(?, ?, 'mdy')", []any{"1/10/2025 9:05:30 AM", "UTC"}, "2025-01-10 09:05:30"},
		{"TimeISOWithoutOffset", "v_ts(?, ?, 'dmy')", []any{"2025-01-10T09:05:30", "UTC"}, "2025-01-10 09:05:30"},
		{"AmountPlain", "v_amount(?)", []any{"1234.56"}, "1234.56"},
		{"AmountThousands", "v_amount(?)", []any{"1,234.56"}, "1234.56"},
		{"AmountMillions", "v_amount(?)", []any{"12,345,678"}, "12345678"},
		{"AmountDollar", "v_amount(?)", []any{"$1,234.56"}, "1234.56"},
		{"AmountCodeBefore", "v_amount(?)", []any{"USD 1,234.56"}, "1234.56"},
		{"AmountCodeAfter", "v_amount(?)", []any{"1,234.56 EUR"}, "1234.56"},
		{"AmountEuroSign", "v_amount(?)", []any{"€ 99.50"}, "99.50"},
		{"AmountParenthesesNegative", "v_amount(?)", []any{"(1,234.56)"}, "-1234.56"},
		{"AmountParenthesesDollar", "v_amount(?)", []any{"($1,234.56)"}, "-1234.56"},
		{"AmountMinusDollar", "v_amount(?)", []any{"-$1,234.56"}, "-1234.56"},
		{"AmountDollarMinus", "v_amount(?)", []any{"$-50"}, "-50"},
		{"AmountBadGroupingPassesOn", "v_amount(?)", []any{"1,23.4"}, "1,23.4"},
		{"AmountUnbalancedPassesOn", "v_amount(?)", []any{"(12"}, "(12"},
		{"AmountWordPassesOn", "v_amount(?)", []any{"n/a"}, "n/a"},
		{"AmountTwoSignsPassesOn", "v_amount(?)", []any{"(-12)"}, "(-12)"},
		{"AmountLowerCodePassesOn", "v_amount(?)", []any{"abc1"}, "abc1"},
		{"Percent", "v_pct(?)", []any{"15%"}, "15"},
		{"PercentSpaced", "v_pct(?)", []any{"15.0 %"}, "15.0"},
		{"PercentBare", "v_pct(?)", []any{"12.5"}, "12.5"},
		{"PercentWordPassesOn", "v_pct(?)", []any{"high"}, "high"},
		{"BoolT", "v_bool(?)", []any{"T"}, "true"},
		{"BoolYes", "v_bool(?)", []any{"Yes"}, "true"},
		{"BoolFalseWord", "v_bool(?)", []any{"FALSE"}, "false"},
		{"BoolOne", "v_bool(?)", []any{"1"}, "true"},
		{"BoolZero", "v_bool(?)", []any{"0"}, "false"},
		{"BoolChecked", "v_bool(?)", []any{"Checked"}, "true"},
		{"BoolUnchecked", "v_bool(?)", []any{"unchecked"}, "false"},
		{"BoolF", "v_bool(?)", []any{"F"}, "false"},
		{"BoolOtherPassesOn", "v_bool(?)", []any{"maybe"}, "maybe"},
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

// SalesforceID18 returns the 18-character, case-insensitive form of a
// 15-character Salesforce id: three check characters, one per five
// characters, each encoding which of those five are upper case. Other
// values are returned unchanged. The SQL macro v_sfid does the same; tests
// hold the two together.
func SalesforceID18(id string) string {
	if len(id) != 15 {
		return id
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	suffix := make([]byte, 3)
	for c := 0; c < 3; c++ {
		n := 0
		for i := 0; i < 5; i++ {
			ch := id[c*5+i]
			if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9') {
				return id
			}
			if 'A' <= ch && ch <= 'Z' {
				n |= 1 << i
			}
		}
		suffix[c] = alphabet[n]
	}
	return id + string(suffix)
}
