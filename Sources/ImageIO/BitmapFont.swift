// BitmapFont: a built-in 5x7 pixel font (with 2-row descenders) for printable ASCII, drawn at
// integer scales, horizontally or turned 90° for y-axis labels. No font files, no kerning.

/// The glyph table and text drawing used by grids and plots.
///
/// Each glyph is 5 columns by 9 rows: rows 0-6 stand on the baseline, rows 7-8 hold descenders.
/// Letters and punctuation are spaced by their inked width plus one column; digits keep a fixed
/// advance so columns of numbers line up. Characters outside printable ASCII draw as `?`.
enum BitmapFont {
    /// Rows per glyph, including descenders.
    static let rows = 9
    /// Rows above the baseline (the cap height).
    static let capRows = 7

    /// The glyphs for ASCII 32 (space) through 126 (`~`), in order: rows separated by spaces,
    /// `#` inked, `.` blank; rows not given are blank.
    private static let art: [String] = [
        "..... ..... ..... ..... ..... ..... .....",  // space
        "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..",  // !
        ".#.#. .#.#. .#.#. ..... ..... ..... .....",  // "
        ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",  // #
        "..#.. .#### #.#.. .###. ..#.# ####. ..#..",  // $
        "##..# ##..# ...#. ..#.. .#... #..## #..##",  // %
        ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#",  // &
        "..#.. ..#.. .#... ..... ..... ..... .....",  // '
        "...#. ..#.. .#... .#... .#... ..#.. ...#.",  // (
        ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",  // )
        "..... ..#.. #.#.# .###. #.#.# ..#.. .....",  // *
        "..... ..#.. ..#.. ##### ..#.. ..#.. .....",  // +
        "..... ..... ..... ..... ..... .##.. ..#.. .#...",  // ,
        "..... ..... ..... .###. ..... ..... .....",  // -
        "..... ..... ..... ..... ..... .##.. .##..",  // .
        "....# ....# ...#. ..#.. .#... #.... #....",  // /
        ".###. #...# #..## #.#.# ##..# #...# .###.",  // 0
        "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",  // 1
        ".###. #...# ....# ...#. ..#.. .#... #####",  // 2
        ".###. #...# ....# ..##. ....# #...# .###.",  // 3
        "...#. ..##. .#.#. #..#. ##### ...#. ...#.",  // 4
        "##### #.... ####. ....# ....# #...# .###.",  // 5
        "..##. .#... #.... ####. #...# #...# .###.",  // 6
        "##### ....# ...#. ..#.. .#... .#... .#...",  // 7
        ".###. #...# #...# .###. #...# #...# .###.",  // 8
        ".###. #...# #...# .#### ....# ...#. .##..",  // 9
        "..... .##.. .##.. ..... ..... .##.. .##..",  // :
        "..... .##.. .##.. ..... ..... .##.. ..#.. .#...",  // ;
        "...#. ..#.. .#... #.... .#... ..#.. ...#.",  // <
        "..... ..... ##### ..... ##### ..... .....",  // =
        ".#... ..#.. ...#. ....# ...#. ..#.. .#...",  // >
        ".###. #...# ....# ...#. ..#.. ..... ..#..",  // ?
        ".###. #...# #.### #.#.# #.### #.... .####",  // @
        ".###. #...# #...# ##### #...# #...# #...#",  // A
        "####. #...# #...# ####. #...# #...# ####.",  // B
        ".###. #...# #.... #.... #.... #...# .###.",  // C
        "####. #...# #...# #...# #...# #...# ####.",  // D
        "##### #.... #.... ####. #.... #.... #####",  // E
        "##### #.... #.... ####. #.... #.... #....",  // F
        ".###. #...# #.... #.### #...# #...# .####",  // G
        "#...# #...# #...# ##### #...# #...# #...#",  // H
        ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",  // I
        "..### ...#. ...#. ...#. ...#. #..#. .##..",  // J
        "#...# #..#. #.#.. ##... #.#.. #..#. #...#",  // K
        "#.... #.... #.... #.... #.... #.... #####",  // L
        "#...# ##.## #.#.# #.#.# #...# #...# #...#",  // M
        "#...# #...# ##..# #.#.# #..## #...# #...#",  // N
        ".###. #...# #...# #...# #...# #...# .###.",  // O
        "####. #...# #...# ####. #.... #.... #....",  // P
        ".###. #...# #...# #...# #.#.# #..#. .##.#",  // Q
        "####. #...# #...# ####. #.#.. #..#. #...#",  // R
        ".#### #.... #.... .###. ....# ....# ####.",  // S
        "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",  // T
        "#...# #...# #...# #...# #...# #...# .###.",  // U
        "#...# #...# #...# #...# #...# .#.#. ..#..",  // V
        "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",  // W
        "#...# #...# .#.#. ..#.. .#.#. #...# #...#",  // X
        "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",  // Y
        "##### ....# ...#. ..#.. .#... #.... #####",  // Z
        ".###. .#... .#... .#... .#... .#... .###.",  // [
        "#.... #.... .#... ..#.. ...#. ....# ....#",  // backslash
        ".###. ...#. ...#. ...#. ...#. ...#. .###.",  // ]
        "..#.. .#.#. #...# ..... ..... ..... .....",  // ^
        "..... ..... ..... ..... ..... ..... ..... #####",  // _
        ".#... ..#.. ..... ..... ..... ..... .....",  // `
        "..... ..... .###. ....# .#### #...# .####",  // a
        "#.... #.... #.##. ##..# #...# #...# ####.",  // b
        "..... ..... .###. #.... #.... #...# .###.",  // c
        "....# ....# .##.# #..## #...# #...# .####",  // d
        "..... ..... .###. #...# ##### #.... .###.",  // e
        "..##. .#..# .#... ###.. .#... .#... .#...",  // f
        "..... ..... .#### #...# #...# #...# .#### ....# .###.",  // g
        "#.... #.... #.##. ##..# #...# #...# #...#",  // h
        "..#.. ..... .##.. ..#.. ..#.. ..#.. .###.",  // i
        "...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..",  // j
        "#.... #.... #..#. #.#.. ##... #.#.. #..#.",  // k
        ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",  // l
        "..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#",  // m
        "..... ..... #.##. ##..# #...# #...# #...#",  // n
        "..... ..... .###. #...# #...# #...# .###.",  // o
        "..... ..... ####. #...# #...# #...# ####. #.... #....",  // p
        "..... ..... .#### #...# #...# #...# .#### ....# ....#",  // q
        "..... ..... #.##. ##..# #.... #.... #....",  // r
        "..... ..... .###. #.... .###. ....# ####.",  // s
        ".#... .#... ###.. .#... .#... .#..# ..##.",  // t
        "..... ..... #...# #...# #...# #..## .##.#",  // u
        "..... ..... #...# #...# #...# .#.#. ..#..",  // v
        "..... ..... #...# #...# #.#.# #.#.# .#.#.",  // w
        "..... ..... #...# .#.#. ..#.. .#.#. #...#",  // x
        "..... ..... #...# #...# #...# #...# .#### ....# .###.",  // y
        "..... ..... ##### ...#. ..#.. .#... #####",  // z
        "...#. ..#.. ..#.. .#... ..#.. ..#.. ...#.",  // {
        "..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",  // |
        ".#... ..#.. ..#.. ...#. ..#.. ..#.. .#...",  // }
        "..... ..... .#... #.#.# ...#. ..... .....",  // ~
    ]

    /// One parsed glyph: a 5-bit mask per row (bit 4 is the leftmost column), the first inked
    /// column, and the advance in font pixels.
    struct Glyph {
        let rows: [UInt8]
        let firstColumn: Int
        let advance: Int
    }

    private static let glyphs: [Glyph] = art.enumerated().map { index, text in
        var rows = [UInt8](repeating: 0, count: BitmapFont.rows)
        for (r, row) in text.split(separator: " ").enumerated() where r < BitmapFont.rows {
            for (c, ch) in row.enumerated() where ch == "#" && c < 5 { rows[r] |= UInt8(1 << (4 - c)) }
        }
        let ink = rows.reduce(0, |)
        let ascii = 32 + index
        if ascii == 32 { return Glyph(rows: rows, firstColumn: 0, advance: 3) }
        if (48...57).contains(ascii) || ink == 0 { return Glyph(rows: rows, firstColumn: 0, advance: 6) }
        let inked = (0..<5).filter { ink & UInt8(1 << (4 - $0)) != 0 }
        let first = inked.first ?? 0, last = inked.last ?? 4
        return Glyph(rows: rows, firstColumn: first, advance: last - first + 2)
    }

    static func glyph(_ scalar: Unicode.Scalar) -> Glyph {
        let v = Int(scalar.value)
        return glyphs[(32...126).contains(v) ? v - 32 : 63 - 32]  // 63 is "?"
    }

    /// Width in pixels of `text` drawn at `scale` (no trailing gap column).
    static func width(of text: String, scale: Int) -> Int {
        let w = text.unicodeScalars.reduce(0) { $0 + glyph($1).advance }
        return max(0, w - 1) * scale
    }

    /// Height in pixels of a line of text at `scale`, descenders included.
    static func height(scale: Int) -> Int { rows * scale }

    /// Draws `text` with its top-left corner at (`x`, `y`). With `vertical`, the text runs
    /// upwards (turned 90° anticlockwise) and (`x`, `y`) is the top-left of its bounding box.
    static func draw(_ text: String, on canvas: inout Canvas, x: Int, y: Int, scale: Int,
                     color: RGB, vertical: Bool = false) {
        let total = width(of: text, scale: scale)
        var pen = 0  // along the text direction, in font pixels
        for scalar in text.unicodeScalars {
            let g = glyph(scalar)
            for r in 0..<rows where g.rows[r] != 0 {
                for c in 0..<5 where g.rows[r] & UInt8(1 << (4 - c)) != 0 {
                    let u = (pen + c - g.firstColumn) * scale  // along the text
                    let v = r * scale                           // across the text
                    if vertical {
                        canvas.fill(x: x + v, y: y + total - u - scale, w: scale, h: scale, color)
                    } else {
                        canvas.fill(x: x + u, y: y + v, w: scale, h: scale, color)
                    }
                }
            }
            pen += g.advance
        }
    }
}
