package salesforce

// SetMaxBodies sets the most bytes a JSON answer and a Bulk API 2.0 CSV
// results page may have until the returned func restores them.
func SetMaxBodies(json, csv int64) (restore func()) {
	oldJSON, oldCSV := maxJSONBody, maxCSVBody
	maxJSONBody, maxCSVBody = json, csv
	return func() { maxJSONBody, maxCSVBody = oldJSON, oldCSV }
}
