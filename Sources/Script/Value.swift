// Values of the .dd language: numbers, strings, booleans, none, lists, functions and host
// objects (tensors, data sets, models... provided by Bindings). Printing is in Value+Printing.

/// A value a script computes with.
///
///     let v: Value = .list([.number(1), .string("a")])
///     v.typeName      // "list"
///     v.description   // [1, "a"]
public enum Value {
    case number(Double)
    case string(String)
    case bool(Bool)
    case none
    case list([Value])
    case function(Callable)
    case host(HostObject)

    /// The name scripts and error messages use for this value's type.
    public var typeName: String {
        switch self {
        case .number: return "number"
        case .string: return "string"
        case .bool: return "bool"
        case .none: return "none"
        case .list: return "list"
        case .function: return "function"
        case .host(let object): return object.typeName
        }
    }

    /// Truthiness for `if`, `while`, `and`, `or`, `not`: false, none, 0, "" and [] are false.
    public var isTruthy: Bool {
        switch self {
        case .bool(let b): return b
        case .none: return false
        case .number(let x): return x != 0
        case .string(let s): return !s.isEmpty
        case .list(let items): return !items.isEmpty
        case .function: return true
        case .host(let object): return object.isTruthy
        }
    }

    /// The integer this value holds exactly, if it is a number with no fractional part.
    public var exactInteger: Int? {
        guard case .number(let x) = self, x.rounded() == x, abs(x) < 9.0e15 else { return nil }
        return Int(x)
    }

    /// Structural equality for plain values and identity (or the host's own rule) for objects.
    /// Pairs of lists already found equal are not compared again, so lists that share their
    /// parts (`x = [x, x]` repeated) compare in time linear in their distinct parts.
    public func isEqual(to other: Value) -> Bool {
        var equalPairs = Set<[UnsafeRawPointer?]>()
        return isEqual(to: other, &equalPairs)
    }

    private func isEqual(to other: Value, _ equalPairs: inout Set<[UnsafeRawPointer?]>) -> Bool {
        switch (self, other) {
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.none, .none): return true
        case (.list(let a), .list(let b)):
            guard a.count == b.count else { return false }
            let pair = [a.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) },
                        b.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }]
            if pair[0] != nil, equalPairs.contains(pair) { return true }
            for (x, y) in zip(a, b) where !x.isEqual(to: y, &equalPairs) { return false }
            equalPairs.insert(pair)
            return true
        case (.function(let a), .function(let b)): return a === b
        case (.host(let a), .host(let b)): return a === b
        default: return false
        }
    }
}

extension Value {
    /// Lists nest at most this deep (`[[1]]` is 2 levels), like list literals in the parser.
    /// Bounding depth keeps printing, comparing, saving and freeing a list off the stack's limit.
    public static let maxListDepth = 100

    /// The list `items`, or an error when it would nest deeper than `maxListDepth`. Every place
    /// that puts existing values into a new list (literals, `append`, session files) uses this.
    public static func nestedList(_ items: [Value]) throws -> Value {
        let depth = listDepth(of: items)
        guard depth <= maxListDepth else {
            throw ScriptError("lists can nest at most \(maxListDepth) levels deep; this one would have \(depth) (HINT: keep nested data in a flat list or a tensor)")
        }
        return .list(items)
    }

    /// Levels of nesting of a list holding `items`: 1 for `[]` and `[1, 2]`, 2 for `[[1]]`.
    /// Lists that share storage are measured once, so `x = [x, x]` repeated stays linear.
    static func listDepth(of items: [Value]) -> Int {
        var memo: [UnsafeRawPointer: Int] = [:]
        func depth(_ items: [Value]) -> Int {
            var deepest = 0
            for item in items {
                guard case .list(let inner) = item else { continue }
                let key = inner.withUnsafeBufferPointer { $0.baseAddress.map(UnsafeRawPointer.init) }
                if let key, let known = memo[key] { deepest = max(deepest, known); continue }
                let d = depth(inner)
                if let key { memo[key] = d }
                deepest = max(deepest, d)
            }
            return deepest + 1
        }
        return depth(items)
    }
}
