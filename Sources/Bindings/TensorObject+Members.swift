// Members of a tensor: the properties `shape`, `rank`, `size`, `T`, and methods, which are the
// tensor builtins bound to the object (`x.sum(axis=0)` calls `sum(x, axis=0)`).
import Script
import TensorCore

extension TensorObject {
    /// Properties that are values rather than methods.
    static let propertyNames = ["shape", "rank", "size", "T"]

    public var memberNames: [String] { TensorObject.propertyNames + TensorLibrary.methodNames }

    public func member(_ name: String) throws -> Value? {
        switch name {
        case "shape": return .list(tensor.shape.map { .number(Double($0)) })
        case "rank": return .number(Double(tensor.rank))
        case "size": return .number(Double(tensor.count))
        case "T": return tensor.rank < 2 ? .host(self) : tensorValue(try tensor.transposed())
        default:
            guard let function = TensorLibrary.methods[name] else { return nil }
            return .function(TensorObject.bind(function, to: self))
        }
    }

    /// The builtin `function(x, rest...)` as a method of `object`: the method takes the
    /// remaining parameters and calls the builtin with the object first, so both forms share
    /// one implementation and one set of argument checks.
    static func bind(_ function: Builtin, to object: TensorObject) -> Builtin {
        let parameters = Array(function.parameters.dropFirst())
        let method = Builtin(function.name, parameters: parameters, help: function.help, example: function.example) { args, context in
            var named: [(String, Value)] = []
            for (i, p) in parameters.enumerated() where p.kind != .variadic && args.isGiven(i) {
                named.append((p.name, args.value(i)))
            }
            return try context.call(.function(function), [.host(object)] + args.rest, named: named)
        }
        // Only a registry names a builtin's namespace; this one makes `help(x.sum)` say
        // "[tensor method]". It is not the session's registry, so nothing becomes callable.
        BuiltinRegistry().register(BuiltinNamespace(name: "tensor method", summary: "methods of a tensor", builtins: [method]))
        return method
    }
}
