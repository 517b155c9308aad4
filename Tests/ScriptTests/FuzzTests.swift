// Fuzzing the parser and interpreter with thousands of seeded random and mutated token
// streams: nothing may crash, and every failure must be a reported diagnostic.
import Bindings
import Foundation
import Script
import Testing

/// SplitMix64, so the fuzz inputs are the same on every run.
struct FuzzRNG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
}

enum Fuzz {
    static let vocabulary = [
        "x", "y", "f", "xs", "print", "len", "range", "vec", "help", "time", "seed", "max", "str", "v", "end",
        "if", "elif", "else", "for", "in", "while", "def", "return", "break", "continue",
        "and", "or", "not", "true", "false", "none", "0", "1", "2", "-1", "1e3", "2.5", "1e", "\"s\"",
        "\"a\\n\"", "\"open", "(", ")", "[", "]", ",", ".", ":", ";", "=", "==", "!=", "<", "<=", ">",
        ">=", "+", "-", "*", "/", "%", "@", "**", "\n", "\n", "\n", "#c\n", "$", "!", "size", "end=",
    ]

    /// Runs `code` with a statement budget; returns a failure description or nil.
    static func check(_ code: String) -> String? {
        let (session, _) = testSession(echo: true)
        var polls = 0
        session.interruptRequested = { polls += 1; return polls > 3000 }
        session.run(SourceText(name: "fuzz", text: "x = 1\nxs = [1, 2]\nv = vec([1, 2])\n"), orRecord: nil)
        do {
            try session.run(SourceText(name: "fuzz", text: code))
        } catch let e as SyntaxErrors {
            if e.diagnostics.isEmpty { return "empty SyntaxErrors for: \(code)" }
            for d in e.diagnostics where d.message.isEmpty || d.location.line < 1 || d.location.column < 1 {
                return "bad diagnostic \(d) for: \(code)"
            }
        } catch let d as Diagnostic {
            if d.message.isEmpty { return "empty message for: \(code)" }
            _ = d.description
        } catch {
            return "unexpected \(type(of: error)): \(error) for: \(code)"
        }
        return nil
    }

    static func corpusTexts() -> [String] {
        Corpus.files().compactMap { try? String(contentsOf: $0, encoding: .utf8) }
    }
}

extension Session {
    /// Runs setup code that is known to be valid.
    func run(_ source: SourceText, orRecord: Void?) {
        do { try run(source) } catch { Issue.record("setup failed: \(error)") }
    }
}

@Test func randomTokenStreamsNeverCrash() {
    let failures: [String] = onLargeStack {
        var rng = FuzzRNG(state: 2024)
        var failures: [String] = []
        for _ in 0..<3000 {
            let count = 1 + rng.below(24)
            let code = (0..<count).map { _ in rng.pick(Fuzz.vocabulary) }.joined(separator: " ")
            if let f = Fuzz.check(code) { failures.append(f) }
        }
        return failures
    }
    #expect(failures.isEmpty, "\(failures.prefix(5))")
}

@Test func mutatedCorpusFilesNeverCrash() {
    let texts = Fuzz.corpusTexts()
    #expect(!texts.isEmpty)
    let failures: [String] = onLargeStack {
        var rng = FuzzRNG(state: 7)
        var failures: [String] = []
        for _ in 0..<2000 {
            var chars = Array(rng.pick(texts).unicodeScalars)
            for _ in 0..<(1 + rng.below(4)) where !chars.isEmpty {
                let i = rng.below(chars.count)
                switch rng.below(4) {
                case 0: chars.remove(at: i)
                case 1: chars.insert(chars[rng.below(chars.count)], at: i)
                case 2: chars.swapAt(i, rng.below(chars.count))
                default: chars.insert(contentsOf: rng.pick(Fuzz.vocabulary).unicodeScalars, at: i)
                }
            }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: chars)
            if let f = Fuzz.check(String(text)) { failures.append(f) }
        }
        return failures
    }
    #expect(failures.isEmpty, "\(failures.prefix(5))")
}

@Test func pathologicalInputsAreErrorsNotCrashes() {
    let cases = [
        String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
        "x = " + Array(repeating: "1", count: 5000).joined(separator: " + "),
        String(repeating: "-", count: 5000) + "1",
        String(repeating: "not ", count: 5000) + "true",
        String(repeating: "if true\n", count: 3000) + String(repeating: "end\n", count: 3000),
        "f" + String(repeating: "()", count: 5000),
        "xs = []\nfor i in range(2000) xs = [xs] end\nprint(xs)",
        String(repeating: "[", count: 5000),
        String(repeating: "end ", count: 5000),
    ]
    let failures: [String] = onLargeStack { cases.compactMap(Fuzz.check) }
    #expect(failures.isEmpty, "\(failures.map { $0.prefix(200) })")
}
