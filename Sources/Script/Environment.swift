// Variable scopes: a dictionary per scope with an enclosing chain (jlox's Environment).
// The global scope belongs to a Session; each user-function call makes a new scope.

/// One scope of variables.
public final class Environment {
    public let enclosing: Environment?
    private(set) var values: [String: Value] = [:]
    /// Counts assignments and removals in this scope, so a front end can tell whether a
    /// command changed any variable (`distill --session` saves only then).
    public private(set) var mutations = 0

    public init(enclosing: Environment? = nil) {
        self.enclosing = enclosing
    }

    /// Looks `name` up in this scope, then the enclosing ones.
    public func get(_ name: String) -> Value? {
        var scope: Environment? = self
        while let s = scope {
            if let v = s.values[name] { return v }
            scope = s.enclosing
        }
        return nil
    }

    /// Binds `name` in this scope (assignment always binds locally; see docs/language.md).
    public func set(_ name: String, _ value: Value) {
        values[name] = value
        mutations &+= 1
    }

    public func remove(_ name: String) {
        values[name] = nil
        mutations &+= 1
    }

    /// Every name visible from this scope.
    public var visibleNames: [String] {
        var names = Set(values.keys)
        if let e = enclosing { names.formUnion(e.visibleNames) }
        return names.sorted()
    }

    /// The names bound in this scope only, sorted.
    public var localNames: [String] { values.keys.sorted() }
}
