package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// fakeGuard is a login guard on a clock the test moves.
func fakeGuard() (*loginGuard, *time.Time) {
	g := newLoginGuard()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	g.now = func() time.Time { return now }
	return g, &now
}

// try is one attempt: "ok" when the password was compared and right,
// "wrong" when compared and wrong, else the refusal's status.
func try(g *loginGuard, client, name string, right bool) string {
	ok, refused := g.check(context.Background(), client, name, func() bool { return right })
	switch {
	case refused != nil:
		return fmt.Sprint(refused.status)
	case ok:
		return "ok"
	}
	return "wrong"
}

func TestLoginGuard(t *testing.T) {
	type step struct {
		advance time.Duration // before the attempt
		client  string
		name    string
		right   bool
		want    string
	}
	wrong := func(client, name string, want string) step { return step{0, client, name, false, want} }
	repeat := func(n int, s func(i int) step) []step {
		var out []step
		for i := range n {
			out = append(out, s(i))
		}
		return out
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"PairBacksOffAfterThree", append(repeat(3, func(int) step { return wrong("a", "ana", "wrong") }),
			wrong("a", "ana", "429"), // 1s
			step{time.Second, "a", "ana", false, "wrong"},
			step{time.Second, "a", "ana", false, "429"}, // 2s since the last
			step{time.Second, "a", "ana", true, "ok"},
		)},
		{"SuccessClearsPair", append(append(repeat(3, func(int) step { return wrong("a", "ana", "wrong") }),
			step{time.Second, "a", "ana", true, "ok"}),
			repeat(3, func(int) step { return wrong("a", "ana", "wrong") })...)},
		{"NameCaseIsOneAccount", append(repeat(3, func(i int) step { return wrong("a", []string{"ana", "ANA", "Ana"}[i], "wrong") }),
			wrong("a", "aNa", "429"))},
		{"ClientBacksOffAcrossAccounts", append(repeat(10, func(i int) step { return wrong("a", fmt.Sprint("user", i), "wrong") }),
			wrong("a", "user99", "429"),
			step{0, "b", "user99", true, "ok"})},
		// Twelve addresses fail once each against ana: the account backs
		// off for them, while the real user's clean address still signs in.
		{"AccountSparesCleanClients", append(repeat(12, func(i int) step { return wrong(fmt.Sprint("attacker", i), "ana", "wrong") }),
			step{0, "attacker0", "ana", true, "429"},
			step{0, "attacker11", "ana", false, "429"},
			step{0, "home", "ana", true, "ok"},
			step{0, "newcomer", "ana", false, "wrong"},
			step{0, "newcomer", "ana", false, "429"},
		)},
		{"CappedAt15Minutes", append(repeat(30, func(int) step { return step{maxBackOff, "a", "ana", false, "wrong"} }),
			step{maxBackOff - time.Second, "a", "ana", true, "429"},
			step{time.Second, "a", "ana", true, "ok"})},
		{"ForgottenAfterADay", append(repeat(5, func(int) step { return step{time.Minute, "a", "ana", false, "wrong"} }),
			step{forgetAfter + time.Second, "a", "ana", false, "wrong"},
			wrong("a", "ana", "wrong"),
			wrong("a", "ana", "wrong"),
			wrong("a", "ana", "429"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, now := fakeGuard()
			for i, s := range tt.steps {
				*now = now.Add(s.advance)
				compared := false
				ok, refused := g.check(context.Background(), s.client, s.name, func() bool { compared = true; return s.right })
				got := "wrong"
				switch {
				case refused != nil:
					got = fmt.Sprint(refused.status)
					if compared {
						t.Errorf("step %d: refused after comparing the password", i)
					}
					if refused.retry <= 0 || refused.retry > maxBackOff {
						t.Errorf("step %d: retry after %v", i, refused.retry)
					}
				case ok:
					got = "ok"
				}
				if got != s.want {
					t.Fatalf("step %d (%s as %s): %s, want %s", i, s.client, s.name, got, s.want)
				}
			}
		})
	}
}

// TestLoginGuardBounded checks that the guard tracks at most max keys.
func TestLoginGuardBounded(t *testing.T) {
	g, _ := fakeGuard()
	g.max = 100
	for i := range 1000 {
		try(g, fmt.Sprint("client", i), fmt.Sprint("user", i), false)
	}
	if len(g.keys) != 100 || g.lru.Len() != 100 {
		t.Errorf("tracks %d keys (%d in order), want 100", len(g.keys), g.lru.Len())
	}
	// The newest are kept: client999 has one failure and gets two more.
	var got []string
	for range 3 {
		got = append(got, try(g, "client999", "user999", false))
	}
	if fmt.Sprint(got) != "[wrong wrong 429]" {
		t.Errorf("the newest client's next attempts: %v, want [wrong wrong 429]", got)
	}
}

// TestLoginGuardBusy checks that an attempt that cannot get a comparison
// slot is answered 503 without comparing and without counting a failure.
func TestLoginGuardBusy(t *testing.T) {
	g, _ := fakeGuard()
	g.wait = 10 * time.Millisecond
	for range bcryptSlots {
		g.slots <- struct{}{}
	}
	for range 5 {
		ok, refused := g.check(context.Background(), "a", "ana", func() bool { t.Fatal("compared while busy"); return true })
		if ok || refused == nil || refused.status != http.StatusServiceUnavailable || refused.retry <= 0 {
			t.Fatalf("busy: ok %v, refused %+v; want 503 with a retry", ok, refused)
		}
	}
	for range bcryptSlots {
		<-g.slots
	}
	if got := try(g, "a", "ana", true); got != "ok" {
		t.Errorf("after the busy spell: %s, want ok (busy answers are not failures)", got)
	}
	if len(g.keys) != 0 {
		t.Errorf("%d keys left after a success and refunds", len(g.keys))
	}
}
