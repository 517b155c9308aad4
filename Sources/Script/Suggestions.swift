// "Did you mean ...?" suggestions: the closest name by edit distance, if close enough.
// Used for unknown variables, builtins, members and named arguments.

/// Finds the nearest candidate to a misspelt name.
///
///     Suggestions.closest(to: "lenght", among: ["length", "left"])   // "length"
public enum Suggestions {
    /// The candidate with the smallest edit distance, when that distance is at most a third of
    /// the name's length (at least 1); ties go to the alphabetically first.
    public static func closest(to name: String, among candidates: [String]) -> String? {
        let limit = max(1, name.count / 3)
        // Ties go to the longer shared prefix (typos are usually at the end), then alphabetical.
        func prefix(_ c: String) -> Int { zip(name.lowercased(), c.lowercased()).prefix { $0 == $1 }.count }
        var best: (d: Int, p: Int, name: String)? = nil
        for c in Set(candidates) where c != name {
            let d = distance(name, c)
            guard d <= limit else { continue }
            let p = prefix(c)
            if let b = best, d > b.d || (d == b.d && (p < b.p || (p == b.p && c > b.name))) { continue }
            best = (d, p, c)
        }
        return best?.name
    }

    /// Levenshtein distance, with a transposition of neighbours counted as one edit.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
