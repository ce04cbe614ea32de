// Package warehousetest damages the files of a data directory for real,
// for the tests of the code that must notice and heal it: every package
// that verifies generations or lake files damages them the same way.
package warehousetest

import (
	"bytes"
	"os"
	"testing"
	"time"
)

// Damage overwrites 64 bytes in the middle of the file at path, as a
// failing disk or a stray write would, keeping its size. It sets the
// modification time to now, as the write itself does, but at a finer
// grain than the kernel's clock tick, so a check made a moment earlier
// cannot have seen the same time.
func Damage(tb testing.TB, path string) {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		tb.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		tb.Fatal(err)
	}
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, 64), fi.Size()/2); err != nil {
		f.Close()
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	now := time.Now()
	if err := os.Chtimes(path, now, now); err != nil {
		tb.Fatal(err)
	}
}
