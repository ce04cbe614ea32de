package runlog

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// ErrBusy means another run of the same kind holds the lock.
var ErrBusy = errors.New("another run of this kind is in progress")

// Lock keeps runs of one kind from overlapping, across processes. The
// operating system releases it when the process dies, even by kill -9.
type Lock struct{ fl *flock.Flock }

// TryLock takes the lock for kind in dir without waiting.
func TryLock(dir, kind string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lock %s: %w", kind, err)
	}
	fl := flock.New(filepath.Join(dir, "."+kind+".lock"))
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", kind, err)
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w", kind, ErrBusy)
	}
	return &Lock{fl: fl}, nil
}

// Unlock releases the lock.
func (l *Lock) Unlock() error { return l.fl.Unlock() }
