// "Did you mean ...?" suggestions: the closest name by edit distance (a swap of two neighbours
// is one edit), if close enough. Used for unknown variables, builtins, members, named arguments.

/// Finds the nearest candidate to a misspelt name.
///
///     Suggestions.closest(to: "lenght", among: ["len", "lenet"])   // "len" (through "length")
///     Suggestions.closest(to: "vaule", among: ["value", "valve"])  // "value"
public enum Suggestions {
    /// Names other languages use for what a candidate here does: a misspelling of one of these
    /// leads to the candidate (`lenght` is closest to `length`, which is `len` here). Used only
    /// when the candidate is among those offered.
    static let familiarNames: [String: String] = [
        "length": "len", "size": "len", "println": "print", "printf": "print", "puts": "print",
        "echo": "print", "arange": "range",
    ]

    /// Names longer than this get no suggestion (nobody misspells a name that long).
    static let maxNameLength = 64

    /// The candidate with the smallest edit distance, when that distance is at most a third of
    /// the name's length, rounded up from 2 for 5 letters (at least 1). Ties go to the longer
    /// shared prefix (typos are mostly further in: `rang` is `range`, not `rand`), then to the
    /// length nearer the name's, then alphabetical.
    public static func closest(to name: String, among candidates: [String]) -> String? {
        guard name.count <= maxNameLength else { return nil }  // no table of a megabyte squared
        let limit = max(1, (name.count + 1) / 3)
        let lowered = name.lowercased()
        var best: (rank: (Int, Int, Int), name: String)? = nil
        let offered = Set(candidates)
        var spellings: [(spelling: String, candidate: String)] = offered.map { ($0, $0) }
        for (familiar, target) in familiarNames where offered.contains(target) && !offered.contains(familiar) {
            spellings.append((familiar, target))
        }
        for (spelling, candidate) in spellings where candidate != name && spelling.count <= maxNameLength {
            // The lengths alone bound the distance from below.
            guard abs(spelling.count - name.count) <= limit else { continue }
            let d = distance(name, spelling)
            guard d <= limit else { continue }
            let shared = zip(lowered, spelling.lowercased()).prefix { $0 == $1 }.count
            let rank = (d, -shared, abs(spelling.count - name.count))
            if let b = best, rank > b.rank || (rank == b.rank && candidate >= b.name) { continue }
            best = (rank, candidate)
        }
        return best?.name
    }

    /// Damerau-Levenshtein distance in its optimal-string-alignment form: insertions,
    /// deletions, substitutions and swaps of two neighbouring letters each cost one; case is
    /// ignored.
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
