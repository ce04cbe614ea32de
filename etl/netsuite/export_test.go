package netsuite

// SetMaxBody sets the most bytes an answer may have until the returned
// func restores it.
func SetMaxBody(n int64) (restore func()) {
	old := maxBody
	maxBody = n
	return func() { maxBody = old }
}
