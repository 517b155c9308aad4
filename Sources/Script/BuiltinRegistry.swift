// The table of builtins, grouped by namespace (after Lua's linit.c): one registration call per
// namespace library. The libraries themselves live in Bindings; docs come from BuiltinRegistry+Markdown.

/// One namespace of builtins as a library registers it.
///
///     let core = BuiltinNamespace(name: "core", summary: "printing, help, lists and numbers",
///                                 builtins: [printBuiltin, lenBuiltin])
public struct BuiltinNamespace {
    public let name: String
    /// One line for `help()` and the docs.
    public let summary: String
    public let builtins: [Builtin]
    public init(name: String, summary: String, builtins: [Builtin]) {
        self.name = name
        self.summary = summary
        self.builtins = builtins
    }
}

/// Every builtin a session knows, by namespace, plus the names reserved for later libraries.
public final class BuiltinRegistry {
    /// Names whose builtins arrive with later libraries: calling one before it is registered
    /// says so instead of "unknown name". Keys are names, values their namespace.
    public static let reserved: [String: String] = [
        "dataset": "data", "select": "data",  // registered by Bindings' data library
        "convnet": "model", "mlp": "model", "lenet": "model", "alexnet": "model",
        "alexcifarnet": "model", "resnet18": "model",
        "train": "model", "accuracy": "model",
        "distill": "distill", "evaluate": "distill",
        "grid": "image", "plot": "image",
    ]

    public private(set) var namespaces: [BuiltinNamespace] = []
    private var byName: [String: Builtin] = [:]

    public init() {}

    /// Adds a namespace. Registering a name twice is a programming error.
    public func register(_ namespace: BuiltinNamespace) {
        precondition(!namespaces.contains { $0.name == namespace.name }, "namespace '\(namespace.name)' registered twice")
        for builtin in namespace.builtins {
            precondition(byName[builtin.name] == nil, "builtin '\(builtin.name)' registered twice")
            precondition(!TokenKind.keywords.keys.contains(builtin.name), "builtin '\(builtin.name)' is a keyword")
            builtin.namespace = namespace.name
            byName[builtin.name] = builtin
        }
        namespaces.append(namespace)
    }

    /// The builtin called `name`, if registered.
    public func lookup(_ name: String) -> Builtin? { byName[name] }

    /// All registered names, sorted.
    public var names: [String] { byName.keys.sorted() }
}
