// Help text and the generated reference page (docs/builtins.md), both drawn from the same
// tables so they cannot drift apart.

extension BuiltinRegistry {
    /// `help()` with no argument: namespaces with their builtins' names.
    public func overview() -> String {
        var lines = ["Builtins by namespace (help(\"name\") shows one):"]
        for ns in namespaces {
            lines.append("  \(ns.name): \(ns.summary)")
            lines.append(contentsOf: wrap(ns.builtins.map(\.name).sorted(), indent: "    "))
        }
        let pending = Dictionary(grouping: BuiltinRegistry.reserved.keys.filter { lookup($0) == nil }) {
            BuiltinRegistry.reserved[$0]!
        }
        if !pending.isEmpty {
            lines.append("  reserved for later libraries (not available yet):")
            for ns in pending.keys.sorted() {
                lines.append("    \(ns): \(pending[ns]!.sorted().joined(separator: ", "))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `help("name")`: signature, namespace, help text and example, wrapped under
    /// `HelpText.width` columns (help text is paragraphs and "- " lists; see HelpText).
    public func help(for builtin: Builtin) -> String {
        var text = HelpText.signature(builtin.signature, suffix: "    [\(builtin.namespace)]")
        text += "\n" + HelpText.wrap(builtin.help)
        if let names = BuiltinRegistry.otherNames(builtin, code: { $0 }) { text += "\n" + HelpText.wrap(names) }
        if !builtin.example.isEmpty {
            text += "\nExample:\n" + builtin.example.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "    " + $0 }.joined(separator: "\n")
        }
        return text
    }

    /// The reference page for every builtin, in namespace order then by name.
    public func markdown() -> String {
        var out = """
        # Builtins

        <!-- Generated from the builtin tables by `distill --builtins-markdown`; do not edit. -->

        Every builtin has a signature, a paragraph of help and an example; `help("name")` shows the
        same text at the prompt. Parameters written `name=value` may be left out; a parameter only
        given by name is marked *named only*; `name...` takes any number of values.

        """
        for ns in namespaces {
            out += "\n- [\(ns.name)](#\(ns.name)): \(ns.summary)"
        }
        out += "\n"
        for ns in namespaces {
            out += "\n## \(ns.name)\n\n\(ns.summary.prefix(1).uppercased() + ns.summary.dropFirst()).\n"
            for b in ns.builtins.sorted(by: { $0.name < $1.name }) {
                out += "\n### \(b.name)\n\n```\n\(HelpText.signature(b.signature, suffix: ""))\n```\n\n\(b.help)\n"
                let namedOnly = b.parameters.filter { $0.kind == .named }.map { "`\($0.name)`" }
                if !namedOnly.isEmpty { out += "\nNamed only: \(namedOnly.joined(separator: ", ")).\n" }
                if let names = BuiltinRegistry.otherNames(b, code: { "`\($0)`" }) { out += "\n\(names)\n" }
                if !b.example.isEmpty { out += "\n```dd\n\(b.example)\n```\n" }
            }
        }
        let pending = BuiltinRegistry.reserved.keys.filter { lookup($0) == nil }.sorted()
        if !pending.isEmpty {
            out += "\n## Reserved names\n\nThese names belong to libraries that arrive later; calling one now says so.\n\n"
            for name in pending { out += "- `\(name)` (\(BuiltinRegistry.reserved[name]!))\n" }
        }
        return out
    }

    /// "Also accepted: ipc= for per_class=." for parameters with other names, or nil.
    static func otherNames(_ builtin: Builtin, code: (String) -> String) -> String? {
        let aliased = builtin.parameters.filter { !$0.aliases.isEmpty }
        guard !aliased.isEmpty else { return nil }
        let parts = aliased.map { p in p.aliases.map { code("\($0)=") }.joined(separator: ", ") + " for " + code("\(p.name)=") }
        return "Also accepted: \(parts.joined(separator: "; "))."
    }

    private func wrap(_ words: [String], indent: String, width: Int = 88) -> [String] {
        var lines: [String] = []
        var line = indent
        for w in words {
            if line.count + w.count + 2 > width, line != indent { lines.append(line + ","); line = indent }
            line += (line == indent ? "" : ", ") + w
        }
        if line != indent { lines.append(line) }
        return lines
    }
}
