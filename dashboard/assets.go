package dashboard

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

// compressible are the asset types worth sending gzip-compressed.
var compressible = map[string]bool{".js": true, ".css": true, ".svg": true}

// gzippedAssets compresses the embedded text assets once per process: the
// vendored echarts.min.js goes from about 1 MB to about 335 KB, which is
// what a phone on a slow network waits for on its first page.
var gzippedAssets = sync.OnceValue(func() map[string][]byte {
	out := map[string][]byte{}
	assets, _ := fs.Sub(assetFS, "assets")
	fs.WalkDir(assets, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !compressible[path.Ext(p)] {
			return err
		}
		b, err := fs.ReadFile(assets, p)
		if err != nil || len(b) < 1024 {
			return err
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		out[p] = buf.Bytes()
		return nil
	})
	return out
})

// assetHandler serves the embedded assets under /assets/, gzip-compressed
// for clients that accept it; their content only changes with the binary.
// Directories answer 404 rather than a listing of what is embedded.
func assetHandler() http.Handler {
	assets, _ := fs.Sub(assetFS, "assets")
	files := http.FileServer(http.FS(assets))
	gz := gzippedAssets()
	return http.StripPrefix("/assets/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isDir(assets, r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Cache-Control", "public, max-age=3600")
		body, ok := gz[r.URL.Path]
		if !ok {
			files.ServeHTTP(w, r)
			return
		}
		h.Add("Vary", "Accept-Encoding")
		if !acceptsGzip(r.Header.Get("Accept-Encoding")) {
			files.ServeHTTP(w, r)
			return
		}
		h.Set("Content-Type", mime.TypeByExtension(path.Ext(r.URL.Path)))
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
	}))
}

// isDir reports whether p names a directory of fsys, or asks for one with
// a trailing slash.
func isDir(fsys fs.FS, p string) bool {
	if p == "" || strings.HasSuffix(p, "/") {
		return true
	}
	fi, err := fs.Stat(fsys, strings.TrimPrefix(path.Clean("/"+p), "/"))
	return err == nil && fi.IsDir()
}

// acceptsGzip reads an Accept-Encoding header: gzip listed, and not with q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		if q == "" {
			return true
		}
		v, err := strconv.ParseFloat(strings.TrimPrefix(q, "q="), 64)
		return err == nil && strings.HasPrefix(q, "q=") && v > 0
	}
	return false
}
