package dashboard

import (
	"net"

	"github.com/labstack/echo/v4"
)

// ipExtractor is how c.RealIP() finds the client's address, which the
// login guard, the logs and the SQL audit use. Without trusted proxies the
// client is the socket's peer and X-Forwarded-For is ignored. With them,
// a request whose peer is a trusted proxy is from the nearest address in
// X-Forwarded-For that is not a trusted proxy. Echo's default trust of
// loopback, link-local and private addresses is off: only the listed
// ranges are trusted, so a peer on the same network cannot name itself
// anyone it likes.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
