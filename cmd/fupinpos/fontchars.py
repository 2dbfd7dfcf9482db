#!/usr/bin/python3
"""Print the characters of the app's subset font, for fontTools.subset
--text-file (make font): printable ASCII, the GB2312 repertoire (EUC-CN
rows 0xA1-0xF7 x columns 0xA1-0xFE, 7,445 characters: the hanzi and
symbols of everyday simplified Chinese), and every non-ASCII character of
the files named on the command line (the translations and the screens'
sources: ￥ · … ⌫ ✓ and the like). A character outside the subset is
drawn from the system's full font by Fyne's per-character fallback."""
import sys

chars = set(chr(c) for c in range(0x20, 0x7F))
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass  # unassigned cell
for name in sys.argv[1:]:
    with open(name, encoding="utf-8") as f:
        chars.update(c for c in f.read() if ord(c) > 0x7F and c.isprintable())
sys.stdout.write("".join(sorted(chars)) + "\n")
