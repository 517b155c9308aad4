// How `notebook --check` compares a cell's old and new output: text exactly, numbers within a
// tolerance (relative, with a floor of one unit in the last written decimal; the spread after
// `±` relative to the mean), volatile `~` figures not at all. The rule is in docs/repl.md.
import Foundation
import Script

/// Compares outputs number-aware, like doctest's NUMBER option and nbval's tolerances.
///
///     OutputComparison.Tolerance.standard.matches("acc 39.6 ± 0.3", "acc 39.7 ± 0.4")   // true
public enum OutputComparison {
    /// A bad `tolerance=` setting.
    public struct SettingError: Error, CustomStringConvertible {
        public let description: String
    }

    /// How far a number may move: `relative` of the larger magnitude, and (unless exact) one
    /// unit in the last decimal either number was written with.
    public struct Tolerance: Equatable, CustomStringConvertible {
        public let relative: Double

        public init(relative: Double) { self.relative = relative }

        /// 1 %: BLAS kernels that sum in another order move trained accuracies and losses by
        /// a few tenths of a percent; a real change (another method, a bug) moves them more.
        public static let standard = Tolerance(relative: 0.01)
        /// `tolerance=0`: numbers must be written exactly the same.
        public static let exact = Tolerance(relative: 0)

        public var description: String {
            relative == 0 ? "exact" : String(format: "%g%% relative or one unit in the last decimal", relative * 100)
        }

        /// `tolerance=2%`, `tolerance=0.02`, `tolerance=0` or `tolerance=exact`.
        public static func parse(_ setting: String) -> Result<Tolerance, SettingError> {
            let value = setting.hasPrefix("tolerance=") ? String(setting.dropFirst("tolerance=".count)) : setting
            if value == "exact" { return .success(.exact) }
            let percent = value.hasSuffix("%")
            if let number = Double(percent ? String(value.dropLast()) : value), number.isFinite, number >= 0 {
                let relative = percent ? number / 100 : number
                if relative < 1 { return .success(Tolerance(relative: relative)) }
            }
            return .failure(SettingError(description: "bad setting '\(setting)' (expected tolerance=P% or a fraction below 1, e.g. tolerance=2% or tolerance=0.02; tolerance=0 compares numbers exactly)"))
        }

        /// Whether `actual` is `expected` with every number within tolerance and the rest equal.
        public func matches(_ expected: String, _ actual: String) -> Bool {
            firstDifference(expected, actual) == nil
        }

        /// The first pair of pieces that do not match, nil when the texts match.
        public func firstDifference(_ expected: String, _ actual: String) -> (expected: String, actual: String)? {
            let a = OutputComparison.pieces(Volatile.normalise(expected))
            let b = OutputComparison.pieces(Volatile.normalise(actual))
            for (k, (x, y)) in zip(a, b).enumerated() {
                // The spread in `mean ± spread` is as uncertain as the mean: it gets the mean's
                // tolerance (std of 2 runs moves by more than its own 1 % when one run moves).
                var scale: Double? = nil
                if k >= 2, ["±", "+/-", "+-"].contains(a[k - 1].text.trimmingCharacters(in: .whitespaces)),
                   let m = a[k - 2].number, let n = b[k - 2].number {
                    scale = max(abs(m), abs(n))
                }
                if !agree(x, y, scale: scale) { return (x.text, y.text) }
            }
            if a.count != b.count {
                let tail = { (p: [Piece]) in p.count > min(a.count, b.count) ? p[min(a.count, b.count)].text : "(end)" }
                return (tail(a), tail(b))
            }
            return nil
        }

        func agree(_ x: Piece, _ y: Piece, scale: Double? = nil) -> Bool {
            guard let u = x.number, let v = y.number else { return x.text == y.text }
            if relative == 0 { return x.text == y.text }
            let floor = max(x.lastUnit, y.lastUnit)
            // A rounding slack so that 0.3 vs 0.4 (one unit) passes despite binary fractions.
            return abs(u - v) <= max(relative * max(abs(u), abs(v), scale ?? 0), floor * (1 + 1e-9))
        }
    }

    /// A run of text, or a number with the place value of its last written decimal (0 for a
    /// number without a fraction: integers get no floor, so counts and shapes stay strict).
    struct Piece {
        let text: String
        let number: Double?
        let lastUnit: Double
    }

    /// Splits text into numbers (`-1.5`, `2e-07`, `40`) and the text between them. A `-` is a
    /// sign only when not after a letter, digit or `_` (`D2W32`, `3-2` have no negatives).
    static func pieces(_ text: String) -> [Piece] {
        let chars = Array(text.unicodeScalars)
        var result: [Piece] = []
        var textStart = 0
        var i = 0
        func isDigit(_ k: Int) -> Bool { k >= 0 && k < chars.count && ("0"..."9").contains(chars[k]) }
        func isWordish(_ k: Int) -> Bool { k >= 0 && (chars[k].properties.isAlphabetic || isDigit(k) || chars[k] == "_" || chars[k] == ".") }
        while i < chars.count {
            var j = i
            if chars[j] == "-", isDigit(j + 1), !isWordish(j - 1) { j += 1 }
            guard isDigit(j), !(j == i && isDigit(i - 1)) else { i += 1; continue }
            while isDigit(j) { j += 1 }
            var decimals = 0
            var hasFraction = false
            if j < chars.count, chars[j] == ".", isDigit(j + 1) {
                hasFraction = true
                j += 1
                while isDigit(j) { j += 1; decimals += 1 }
            }
            var exponent = 0
            if j < chars.count, chars[j] == "e" || chars[j] == "E" {
                var k = j + 1
                if k < chars.count, chars[k] == "+" || chars[k] == "-" { k += 1 }
                if isDigit(k) {
                    while isDigit(k) { k += 1 }
                    exponent = Int(String(String.UnicodeScalarView(chars[(j + 1)..<k]))) ?? 0
                    j = k
                }
            }
            if textStart < i { result.append(Piece(text: String(String.UnicodeScalarView(chars[textStart..<i])), number: nil, lastUnit: 0)) }
            let literal = String(String.UnicodeScalarView(chars[i..<j]))
            let unit = hasFraction ? pow(10, Double(exponent - decimals)) : 0
            result.append(Piece(text: literal, number: Double(literal), lastUnit: unit))
            textStart = j
            i = j
        }
        if textStart < chars.count { result.append(Piece(text: String(String.UnicodeScalarView(chars[textStart...])), number: nil, lastUnit: 0)) }
        return result
    }
}
