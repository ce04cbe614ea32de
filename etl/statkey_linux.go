package etl

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

// statKey identifies the state of a file as stat reports it: its inode,
// modification and change times. changed is the later of the two times.
func statKey(fi os.FileInfo) (key string, changed time.Time) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Sprintf("m%d", fi.ModTime().UnixNano()), fi.ModTime()
	}
	ctime := time.Unix(st.Ctim.Sec, st.Ctim.Nsec)
	changed = fi.ModTime()
	if ctime.After(changed) {
		changed = ctime
	}
	return fmt.Sprintf("i%d m%d c%d", st.Ino, fi.ModTime().UnixNano(), ctime.UnixNano()), changed
}
