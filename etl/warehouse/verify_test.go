package warehouse

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/warehouse/warehousetest"
)

// publish builds and publishes generations 1..n.
func publish(t *testing.T, d Dir, n int) {
	t.Helper()
	for id := 1; id <= n; id++ {
		buildGeneration(t, d, id)
		if err := d.Publish(id); err != nil {
			t.Fatal(err)
		}
	}
}

// TestChecksumAtPublish checks that each published generation has a
// checksum file sha256sum accepts, written before the link switched.
func TestChecksumAtPublish(t *testing.T) {
	d := Dir(t.TempDir())
	publish(t, d, 2)
	for _, name := range []string{"gen-000001.duckdb", "gen-000002.duckdb"} {
		b, err := os.ReadFile(filepath.Join(d.Generations(), name+".sha256"))
		if err != nil {
			t.Fatalf("%s: no checksum file: %v", name, err)
		}
		sum, err := SumFile(filepath.Join(d.Generations(), name))
		if err != nil {
			t.Fatal(err)
		}
		if want := sum.SHA256 + "  " + name + "\n"; string(b) != want {
			t.Errorf("%s.sha256 = %q, want %q", name, b, want)
		}
	}
	if _, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command("sha256sum", "-c", "gen-000002.duckdb.sha256")
		cmd.Dir = d.Generations()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("sha256sum -c: %v\n%s", err, out)
		}
	}
}

func TestVerify(t *testing.T) {
	d := Dir(t.TempDir())
	publish(t, d, 1)
	path := filepath.Join(d.Generations(), "gen-000001.duckdb")
	intact, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v Verifier
	if err := v.Verify(path); err != nil {
		t.Fatalf("intact generation: %v", err)
	}
	t.Run("Damaged", func(t *testing.T) {
		warehousetest.Damage(t, path)
		var damaged *DamagedError
		if err := v.Verify(path); !errors.As(err, &damaged) || !strings.Contains(err.Error(), "gen-000001.duckdb is damaged: its SHA-256 is") {
			t.Errorf("damaged generation: err = %v, want a DamagedError", err)
		}
	})
	t.Run("HashedOncePerSizeAndTime", func(t *testing.T) {
		// Put the intact bytes back behind the damaged file's size and
		// modification time: the verdict is remembered, so the file is not
		// read again.
		fi, _ := os.Stat(path)
		if err := os.WriteFile(path, intact, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, fi.ModTime(), fi.ModTime())
		if err := v.Verify(path); err == nil {
			t.Errorf("the file was hashed again although its size and time did not change")
		}
		later := fi.ModTime().Add(time.Second)
		os.Chtimes(path, later, later)
		if err := v.Verify(path); err != nil {
			t.Errorf("after its time changed the file was not hashed again: %v", err)
		}
	})
	t.Run("Missing", func(t *testing.T) {
		var damaged *DamagedError
		if err := v.Verify(path + ".gone"); !errors.As(err, &damaged) {
			t.Errorf("missing file: err = %v, want a DamagedError", err)
		}
	})
	t.Run("NoChecksum", func(t *testing.T) {
		os.Remove(checksumPath(path))
		if err := v.Verify(path); !errors.Is(err, ErrNoChecksum) {
			t.Errorf("no checksum file: err = %v, want ErrNoChecksum", err)
		}
	})
}

// TestVerifierCopy checks that Copy copies a generation byte for byte and
// leaves the verdict Verify would give, without Verify reading the file
// again; a damaged generation is copied and its damage reported by Verify.
func TestVerifierCopy(t *testing.T) {
	d := Dir(t.TempDir())
	publish(t, d, 1)
	path := filepath.Join(d.Generations(), "gen-000001.duckdb")
	intact, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	copyOf := func(t *testing.T, v *Verifier) []byte {
		t.Helper()
		dst := filepath.Join(t.TempDir(), "copy.duckdb")
		if err := v.Copy(path, dst); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Run("Intact", func(t *testing.T) {
		var v Verifier
		if b := copyOf(t, &v); !slices.Equal(b, intact) {
			t.Fatal("the copy differs from the generation")
		}
		// Damage the file behind its size and time: Verify answers from
		// the copy's verdict, without reading it.
		fi, _ := os.Stat(path)
		warehousetest.Damage(t, path)
		os.Chtimes(path, fi.ModTime(), fi.ModTime())
		if err := v.Verify(path); err != nil {
			t.Errorf("Verify read the file again after Copy: %v", err)
		}
		if err := os.WriteFile(path, intact, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, fi.ModTime(), fi.ModTime())
	})
	t.Run("CopyFails", func(t *testing.T) {
		var v Verifier
		if err := v.Copy(path, filepath.Join(t.TempDir(), "no-such-folder", "copy.duckdb")); err == nil {
			t.Fatal("a copy into a missing folder succeeded")
		}
		if err := v.Verify(path); err != nil {
			t.Errorf("Verify of the intact generation after a failed copy: %v", err)
		}
	})
	t.Run("Damaged", func(t *testing.T) {
		warehousetest.Damage(t, path)
		damaged, _ := os.ReadFile(path)
		var v Verifier
		if b := copyOf(t, &v); !slices.Equal(b, damaged) {
			t.Fatal("the copy differs from the generation")
		}
		var de *DamagedError
		if err := v.Verify(path); !errors.As(err, &de) {
			t.Errorf("Verify after copying a damaged generation: err = %v, want a DamagedError", err)
		}
	})
}

// TestHealth damages the published generation and an older one: Check
// names the damage and offers the intact older generations, newest first.
func TestHealth(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(d Dir)
		damage     string
		wantIntact []int
	}{
		{"Intact", func(Dir) {}, "", nil},
		{"PublishedDamaged", func(d Dir) {
			warehousetest.Damage(t, filepath.Join(d.Generations(), "gen-000004.duckdb"))
			warehousetest.Damage(t, filepath.Join(d.Generations(), "gen-000002.duckdb"))
		}, "gen-000004.duckdb is damaged: its SHA-256", []int{3, 1}},
		{"PublishedMissing", func(d Dir) {
			os.Remove(filepath.Join(d.Generations(), "gen-000004.duckdb"))
		}, "gen-000004.duckdb is damaged: the file is missing", []int{3, 2, 1}},
		{"NoLink", func(d Dir) { os.Remove(d.Current()) }, ErrNoLink.Error(), []int{4, 3, 2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Dir(t.TempDir())
			publish(t, d, 4)
			tt.setup(d)
			h, err := d.Check(&Verifier{})
			if err != nil {
				t.Fatal(err)
			}
			var got string
			if h.Damage != nil {
				got = h.Damage.Error()
			}
			if tt.damage == "" && got != "" || !strings.Contains(got, tt.damage) {
				t.Errorf("damage = %q, want %q", got, tt.damage)
			}
			var ids []int
			for _, g := range h.Intact {
				ids = append(ids, g.ID)
			}
			if !slices.Equal(ids, tt.wantIntact) {
				t.Errorf("intact = %v, want %v", ids, tt.wantIntact)
			}
		})
	}
	if _, err := Dir(t.TempDir()).Check(&Verifier{}); !errors.Is(err, ErrNoWarehouse) {
		t.Errorf("empty data directory: err = %v, want ErrNoWarehouse", err)
	}
}

// TestRemoveStaging removes what one run's build left, and only that.
func TestRemoveStaging(t *testing.T) {
	d := Dir(t.TempDir())
	publish(t, d, 1)
	mine := []string{d.Staging(2), d.Staging(2) + ".wal", d.Scratch(2), d.Scratch(2) + ".wal"}
	for _, f := range append(mine, d.Staging(3)) {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(d.Staging(2)+".tmp", 0o755)
	if err := d.RemoveStaging(2); err != nil {
		t.Fatal(err)
	}
	for _, f := range append(mine, d.Staging(2)+".tmp") {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s kept", filepath.Base(f))
		}
	}
	for _, f := range []string{d.Staging(3), filepath.Join(d.Generations(), "gen-000001.duckdb")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s removed: %v", filepath.Base(f), err)
		}
	}
}

// TestLeftovers lists what dead runs left and clears it, committing a
// published run's stage and never touching a generation.
func TestLeftovers(t *testing.T) {
	d := Dir(t.TempDir())
	publish(t, d, 2)
	write := func(rel string) {
		t.Helper()
		p := d.Path(rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("warehouse/gen-000003.duckdb.building.wal")
	write("warehouse/gen-000009.duckdb.sha256")
	write("warehouse/gen-000003.duckdb.sha256.tmp")
	write(filepath.Join(".staging", "run-000002", LakeEntity("deals", 2)))
	write(filepath.Join(".staging", "run-000003", LakeEntity("deals", 3)))
	os.Symlink("warehouse/gen-000001.duckdb", d.Current()+".next")
	got, err := d.Leftovers()
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, l := range got {
		paths = append(paths, l.Path)
		if err := d.Clear(l); err != nil {
			t.Errorf("clear %s: %v", l.Path, err)
		}
	}
	want := []string{"warehouse/gen-000003.duckdb.building.wal", "warehouse/gen-000003.duckdb.sha256.tmp", "warehouse/gen-000009.duckdb.sha256",
		"warehouse.duckdb.next", ".staging/run-000002", ".staging/run-000003"}
	slices.Sort(paths)
	slices.Sort(want)
	if !slices.Equal(paths, want) {
		t.Errorf("leftovers = %v, want %v", paths, want)
	}
	if _, err := os.Stat(d.Path(LakeEntity("deals", 2))); err != nil {
		t.Errorf("the published run's stage was not committed: %v", err)
	}
	if _, err := os.Stat(d.Path(LakeEntity("deals", 3))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an unpublished run's stage was committed")
	}
	if left, _ := d.Leftovers(); len(left) != 0 {
		t.Errorf("after clearing: %v", left)
	}
	if all, _ := d.List(); len(all) != 2 {
		t.Errorf("generations after clearing: %v, want both", all)
	}
}

// TestRecoverDanglingLink: a link to a generation that is gone must not
// stop the next run from starting.
func TestRecoverDanglingLink(t *testing.T) {
	d := Dir(t.TempDir())
	publish(t, d, 2)
	os.Remove(filepath.Join(d.Generations(), "gen-000002.duckdb"))
	if err := d.Recover(); err != nil {
		t.Errorf("recover with a dangling link: %v", err)
	}
}

func TestSetAside(t *testing.T) {
	d := Dir(t.TempDir())
	publish(t, d, 1)
	rel := filepath.Join("warehouse", "gen-000001.duckdb")
	dst, err := d.SetAside(rel)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{dst, dst + ".sha256"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("set aside: %v", err)
		}
	}
	if all, _ := d.List(); len(all) != 0 {
		t.Errorf("a generation set aside is still listed: %v", all)
	}
}
