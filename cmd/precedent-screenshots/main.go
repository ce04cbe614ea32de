// Command precedent-screenshots captures every dashboard page of a running
// Precedent server in Debian's chromium, headless, at a desktop and a
// phone width, as small PNGs (make screenshots starts the server on a
// generated company and runs it; docs/screenshots holds the result).
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// pages are the dashboard's pages, named as their files; "{account}" is
// replaced by the account with the most exceptions on the accounts list.
var pages = []struct{ name, path string }{
	{"overview", "/"},
	{"discounts", "/discounts"},
	{"scope", "/scope"},
	{"billing", "/billing"},
	{"accounts", "/accounts"},
	{"account", "{account}"},
	{"exceptions", "/exceptions"},
	{"reports", "/reports"},
	{"runs", "/runs"},
	{"sql", "/sql?q=" + strings.ReplaceAll("SELECT segment, count(*) AS deals FROM deal_discounts GROUP BY segment ORDER BY segment", " ", "+")},
}

var widths = []int64{1440, 390}

// maxHeight cuts very long pages (the Runs page's tables) so that no file
// grows large; the top of a page is what a reader looks at.
const maxHeight = 4000

func main() {
	base := flag.String("url", "http://127.0.0.1:8091", "the running dashboard")
	out := flag.String("out", "docs/screenshots", "folder for the PNGs")
	chromium := flag.String("chromium", "/usr/bin/chromium", "chromium to drive")
	flag.Parse()
	if err := run(*base, *out, *chromium); err != nil {
		log.Fatal(err)
	}
}

func run(base, out, chromium string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.Flag("headless", true), chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.NoFirstRun, chromedp.Flag("hide-scrollbars", true))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		return fmt.Errorf("start %s: %w", chromium, err)
	}
	account, err := step(ctx, func(ctx context.Context) (string, error) {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/accounts")); err != nil {
			return "", err
		}
		return chromedp.Run(ctx, chromedp.Evaluate[string](
			`(document.querySelector('main table a[href^="/accounts/"]') || {}).getAttribute ? document.querySelector('main table a[href^="/accounts/"]').getAttribute('href') : '/accounts'`))
	})
	if err != nil {
		return err
	}
	for _, w := range widths {
		for _, p := range pages {
			path := strings.ReplaceAll(p.path, "{account}", account)
			shot, err := step(ctx, func(ctx context.Context) ([]byte, error) {
				if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900, chromedp.EmulateScale(1)), chromedp.Navigate(base+path)); err != nil {
					return nil, err
				}
				// Every chart drawn, then a moment for the last paint.
				for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
					done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll('.chart')].every(c => window.echarts && echarts.getInstanceByDom(c))`))
					if err != nil || done {
						break
					}
				}
				time.Sleep(300 * time.Millisecond)
				return chromedp.Run(ctx, chromedp.FullScreenshot(100))
			})
			if err != nil {
				return fmt.Errorf("%s at %d px: %w", path, w, err)
			}
			small, err := shrink(shot)
			if err != nil {
				return fmt.Errorf("%s at %d px: %w", path, w, err)
			}
			file := filepath.Join(out, fmt.Sprintf("%s-%d.png", p.name, w))
			if err := os.WriteFile(file, small, 0o644); err != nil {
				return err
			}
			fmt.Printf("%s  %d kB\n", file, len(small)/1024)
		}
	}
	return nil
}

// step runs one browser step with a timeout.
func step[T any](ctx context.Context, f func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return f(ctx)
}

// shrink cuts a screenshot to maxHeight and writes it with a palette of its
// 256 most frequent colours (other colours take the nearest of them): the
// dashboard is flat colours and text, so the file is several times smaller
// and reads the same.
func shrink(shot []byte) ([]byte, error) {
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	if b.Dy() > maxHeight {
		b.Max.Y = b.Min.Y + maxHeight
	}
	count := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			count[rgba(img.At(x, y))]++
		}
	}
	var pal color.Palette
	for len(pal) < 256 && len(count) > 0 {
		var best color.RGBA
		n := -1
		for c, k := range count {
			if k > n || (k == n && less(c, best)) {
				best, n = c, k
			}
		}
		pal = append(pal, best)
		delete(count, best)
	}
	out := image.NewPaletted(image.Rect(0, 0, b.Dx(), b.Dy()), pal)
	nearest := map[color.RGBA]uint8{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := rgba(img.At(x, y))
			i, ok := nearest[c]
			if !ok {
				i = uint8(pal.Index(c))
				nearest[c] = i
			}
			out.SetColorIndex(x-b.Min.X, y-b.Min.Y, i)
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func rgba(c color.Color) color.RGBA {
	r, g, b, a := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
}

func less(a, b color.RGBA) bool {
	if a.R != b.R {
		return a.R < b.R
	}
	if a.G != b.G {
		return a.G < b.G
	}
	return a.B < b.B
}
