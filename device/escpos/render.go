package escpos

// drawCell draws c with its top-left corner at (x, y). A Unifont glyph
// (8×16 or 16×16) is scaled to the cell (12×24 or 24×24 times the
// magnification): a dot is black when any glyph pixel under it is, which
// gives the even, slightly heavy strokes of a thermal head. Bold smears
// each dot one to the right, as double-strike printing does.
func (in *interp) drawCell(c cell, x, y int) {
	g := in.ft[c.r]
	if g == nil {
		g = in.ft['?']
		if g == nil {
			return
		}
	}
	gw := g.width()
	// the glyph keeps its own aspect inside the cell: 8×16 → 12×24, 16×16 → 24×24;
	// a narrow glyph in a two-column cell (×, ·) is centred, not stretched
	cw, ch := c.w, c.h
	if c.wide && !g.wide {
		cw = c.w / 2
		x += (c.w - cw) / 2
	}
	for dy := 0; dy < ch; dy++ {
		sy0, sy1 := dy*16/ch, ((dy+1)*16-1)/ch
		for dx := 0; dx < cw; dx++ {
			sx0, sx1 := dx*gw/cw, ((dx+1)*gw-1)/cw
			if g.on(sx0, sy0) || g.on(sx1, sy0) || g.on(sx0, sy1) || g.on(sx1, sy1) {
				in.cv.set(x+dx, y+dy)
				if c.bold {
					in.cv.set(x+dx+1, y+dy)
				}
			}
		}
	}
}
