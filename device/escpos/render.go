package escpos

// drawCell draws c with its top-left corner at (x, y), with the glyph of
// the interpreter's font ('?' when it has none).
func (in *interp) drawCell(c cell, x, y int) {
	g := in.ft[c.r]
	if g == nil {
		g = in.ft['?']
		if g == nil {
			return
		}
	}
	drawGlyph(g, in.cv.set, x, y, c.w, c.h, c.wide, c.bold)
}

// drawGlyph draws g into a cell of cw×ch dots with its top-left corner at
// (x, y), calling set for each black dot. A Unifont glyph (8×16 or 16×16)
// is scaled to the cell (12×24 or 24×24 times the magnification): a dot is
// black when any glyph pixel under it is, which gives the even, slightly
// heavy strokes of a thermal head. Bold smears each dot one to the right,
// as double-strike printing does. The interpreter draws text with it and
// the Writer draws the lines it prints as images, so both look alike.
func drawGlyph(g *glyph, set func(x, y int), x, y, cw, ch int, wideCell, bold bool) {
	gw := g.width()
	// the glyph keeps its own aspect inside the cell: 8×16 → 12×24, 16×16 → 24×24;
	// a narrow glyph in a two-column cell (×, ·) is centred, not stretched
	if wideCell && !g.wide {
		half := cw / 2
		x += (cw - half) / 2
		cw = half
	}
	for dy := 0; dy < ch; dy++ {
		sy0, sy1 := dy*16/ch, ((dy+1)*16-1)/ch
		for dx := 0; dx < cw; dx++ {
			sx0, sx1 := dx*gw/cw, ((dx+1)*gw-1)/cw
			if g.on(sx0, sy0) || g.on(sx1, sy0) || g.on(sx0, sy1) || g.on(sx1, sy1) {
				set(x+dx, y+dy)
				if bold {
					set(x+dx+1, y+dy)
				}
			}
		}
	}
}
