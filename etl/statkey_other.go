//go:build !linux

package etl

import (
	"fmt"
	"os"
	"time"
)

// statKey identifies the state of a file by its modification time, the
// one stat field every system reports alike.
func statKey(fi os.FileInfo) (key string, changed time.Time) {
	return fmt.Sprintf("m%d", fi.ModTime().UnixNano()), fi.ModTime()
}
