// The standard set of builtin libraries a session starts with: one registration per
// namespace. Later libraries (tensor, data, model, distill, image, session) add a line here.
import Script

extension BuiltinRegistry {
    /// A registry holding every namespace Distillery ships.
    public static func standard() -> BuiltinRegistry {
        let registry = BuiltinRegistry()
        registry.register(CoreLibrary.namespace)
        registry.register(TensorLibrary.namespace)
        registry.register(ImageLibrary.namespace)
        registry.register(DataLibrary.namespace)
        registry.register(ModelLibrary.namespace)
        registry.register(DistillLibrary.namespace)
        registry.register(SessionLibrary.namespace)
        return registry
    }
}

extension Session {
    /// A session with the standard builtins, writing to standard output.
    public static func standard() -> Session {
        Session(registry: .standard())
    }
}
