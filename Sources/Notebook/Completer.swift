// Tab-completion candidates for the REPL: builtins, variables and keywords (functions with
// their `(`); members after a dot; named arguments inside a call; meta-commands after ':'.
// Pure, so it is tested directly; readline adds no space after a `(`, `=` or `.` ending.
import Script

/// Computes completion candidates from the session's state.
public struct Completer {
    let session: Session
    public init(session: Session) { self.session = session }

    /// Candidates that replace `word`, given the text of the line before it.
    ///
    ///     completer.candidates(word: "x.sh", before: "")      // ["x.shape"]
    ///     completer.candidates(word: "se", before: "print(1, ")  // ["sep=", "seed(", "select("]
    ///     completer.candidates(word: "pri", before: "")        // ["print("]
    public func candidates(word: String, before: String) -> [String] {
        let trimmed = before.trimmingLeadingSpaces
        if trimmed.isEmpty, word.hasPrefix(":") {
            return Repl.metaCommands.map { ":" + $0.name }.filter { $0.hasPrefix(word) }
        }
        if let dot = word.lastIndex(of: ".") {
            let base = String(word[..<dot]), partial = String(word[word.index(after: dot)...])
            guard case .host(let object)? = resolve(base) else { return [] }
            return object.memberNames.filter { $0.hasPrefix(partial) }.sorted().map { base + "." + $0 }
        }
        var names = Set(session.globals.localNames)
        names.formUnion(session.registry.names)
        names.formUnion(TokenKind.keywords.keys)
        // A function completes with its parenthesis (`pri` → `print(`), ready for arguments.
        var found = names.filter { $0.hasPrefix(word) }.sorted().map { name in
            if TokenKind.keywords[name] == nil, case .function? = resolve(name) { return name + "(" }
            return name
        }
        if let callee = openCall(in: before), case .function(let f)? = resolve(callee) {
            let named = f.parameters.filter { $0.kind != .variadic && $0.name.hasPrefix(word) }.map { $0.name + "=" }
            found = named + found.filter { !named.contains(($0.hasSuffix("(") ? String($0.dropLast()) : $0) + "=") }
        }
        return found
    }

    /// Evaluates a dotted chain of names (`data.test`) without running any other code.
    func resolve(_ chain: String) -> Value? {
        let parts = chain.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, isName(first) else { return nil }
        var value: Value? = session.globals.get(first) ?? session.registry.lookup(first).map { .function($0) }
        for part in parts.dropFirst() {
            guard isName(part), case .host(let object)? = value else { return nil }
            value = try? object.member(part)
        }
        return value
    }

    /// The name of the innermost call whose parenthesis is still open in `text`, if any.
    func openCall(in text: String) -> String? {
        var depth = 0
        let chars = Array(text)
        var i = chars.count - 1
        while i >= 0 {
            let c = chars[i]
            if c == ")" || c == "]" { depth += 1 }
            else if c == "[" { depth -= 1 }
            else if c == "(" {
                if depth == 0 {
                    var j = i - 1
                    while j >= 0, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "." { j -= 1 }
                    let name = String(chars[(j + 1)..<i])
                    return name.isEmpty ? nil : name
                }
                depth -= 1
            }
            i -= 1
        }
        return nil
    }

    func isName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f == "_" || (f.properties.isAlphabetic && f.isASCII) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}

extension String {
    var trimmingLeadingSpaces: Substring { drop { $0 == " " || $0 == "\t" } }
}
