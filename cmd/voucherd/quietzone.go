package main

import (
	"image"
	"image/color"
	"image/draw"
)

// withQuietZone returns img on a white margin of m pixels, the quiet zone
// QR readers need around a symbol.
func withQuietZone(img image.Image, m int) image.Image {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()+2*m, b.Dy()+2*m))
	draw.Draw(out, out.Bounds(), &image.Uniform{C: color.White}, image.Point{}, draw.Src)
	draw.Draw(out, image.Rect(m, m, m+b.Dx(), m+b.Dy()), img, b.Min, draw.Src)
	return out
}
