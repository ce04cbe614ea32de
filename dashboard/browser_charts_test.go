package dashboard

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axisReport is what chartAxesJS finds on one drawn chart.
type axisReport struct {
	ID      string   `json:"id"`
	Clipped []string `json:"clipped"` // axis names drawn (partly) outside the chart's box
	Missing []string `json:"missing"` // axis names set but not drawn
	Units   []string `json:"units"`   // per value axis: "x0:usd=$40M"
}

// chartAxesJS measures, on every chart of the page, where ECharts drew each
// axis name: the text's box, transformed to the canvas, must lie inside the
// chart's box. It also writes 40,000,000 and 12 with each value axis's
// label formatter.
const chartAxesJS = `(() => [...document.querySelectorAll('.chart')].map(el => {
	const c = echarts.getInstanceByDom(el);
	const o = c.getOption(), w = c.getWidth(), h = c.getHeight();
	const names = [];
	const units = [];
	for (const k of ['xAxis', 'yAxis']) {
		(o[k] || []).forEach((a, i) => {
			if (a.name) names.push(a.name);
			if (a.type === 'value') {
				const f = a.axisLabel && a.axisLabel.formatter;
				units.push(k[0] + i + ':' + (a.precedentUnit || '') + '=' + (typeof f === 'function' ? f(40000000) + '|' + f(12) : 'none'));
			}
		});
	}
	const texts = c.getZr().storage.getDisplayList(true).filter(e => e.style && typeof e.style.text === 'string');
	const clipped = [], missing = [];
	for (const n of names) {
		const drawn = texts.filter(t => t.style.text === n);
		if (drawn.length === 0) { missing.push(n); continue; }
		for (const t of drawn) {
			const r = t.getBoundingRect().clone();
			const m = t.getComputedTransform();
			if (m) r.applyTransform(m);
			if (r.x < -0.5 || r.y < -0.5 || r.x + r.width > w + 0.5 || r.y + r.height > h + 0.5) {
				clipped.push(n + ' at [' + [r.x, r.y, r.x + r.width, r.y + r.height].map(Math.round).join(', ') + '] in ' + w + 'x' + h);
			}
		}
	}
	return {id: el.id, clipped, missing, units};
}))()`

// moneyCharts are the charts whose value axis is in dollars.
var moneyCharts = map[string]bool{"/#renewals": true, "/#risk-trend": true, "/billing#quarters": true, "/billing#leakage": true}

// TestBrowserChartsReadable opens every page with charts at a desktop and
// a phone width and fails on an axis name cut by the chart's box, and on a
// money axis that does not write dollars shortly ($40M).
func TestBrowserChartsReadable(t *testing.T) {
	browser := startBrowser(t)
	_, ts := newServer(t, nil, nil)
	pages := []string{"/", "/discounts", "/discounts?graph=rep", "/scope", "/billing", "/accounts/ACC-000003", "/runs"}
	for _, width := range []int64{1440, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			tb := openTab(t, browser, ts.URL)
			tb.do("set the width", chromedp.EmulateViewport(width, 900))
			seen := 0
			for _, path := range pages {
				tb.open(path)
				for _, r := range eval[[]axisReport](tb, chartAxesJS) {
					seen++
					for _, c := range r.Clipped {
						t.Errorf("%s #%s at %d px: axis name cut by the chart's box: %s", path, r.ID, width, c)
					}
					for _, m := range r.Missing {
						t.Errorf("%s #%s at %d px: axis name %q not drawn", path, r.ID, width, m)
					}
					if moneyCharts[path+"#"+r.ID] {
						if len(r.Units) == 0 || !strings.Contains(r.Units[0], "=$40M|") {
							t.Errorf("%s #%s: money axis writes 40,000,000 as %v, want $40M", path, r.ID, r.Units)
						}
					}
				}
			}
			if seen < 14 {
				t.Errorf("%d charts measured, want at least 12", seen)
			}
		})
	}
}
