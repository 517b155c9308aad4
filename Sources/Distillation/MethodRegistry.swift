// Every distillation method `distill(method=...)` offers, in the order help and docs list them.
// Adding a method is a file with its `DistillationMethod` type and one line here.

/// The methods, by name.
public enum MethodRegistry {
    public static let all: [any DistillationMethod.Type] = [
        DMMethod.self,
        DCMethod.self,
        DSAMethod.self,
        IDCMethod.self,
        DREAMMethod.self,
        MTTMethod.self,
        DDMethod.self,
    ]

    /// The method called `name` (case-insensitive), or nil.
    public static func method(named name: String) -> (any DistillationMethod.Type)? {
        all.first { $0.name == name.lowercased() }
    }

    public static var names: [String] { all.map { $0.name } }
}
