// `distill(data, method=...)` for any registered method: looks the method up, starts from its
// paper defaults (or the settings of the set being resumed), applies the named arguments the
// method declares, and hands over to the generic run loop. Nothing here knows a method.
import Datasets
import Distillation
import NeuralNet
import Script
import TensorCore

extension DistillLibrary {
    /// Runs method `M` as the call asks.
    static func distill<M: DistillationMethod>(_ m: M.Type, _ args: Arguments, data: Dataset, context: CallContext) throws -> Value {
        let earlier = try resumedSet(args)
        let ipc = try ipcArgument(args, earlier: earlier)
        try checkSpace(M.self, args, data: data, earlier: earlier)
        var inputs = MethodInputs(note: { context.output.write("note: \($0)\n") }, progress: context.progress)
        if M.parameters.contains(where: { $0.kind == .experts }), case .host(let e as ExpertsObject) = args.value("experts") {
            inputs.experts = e.experts
        }
        let resuming = earlier?.synthetic.run?.method == M.name
        var config = try located(args, nil) {
            if resuming, let r = earlier?.synthetic.run { return try r.config.decoded(as: M.Config.self) }
            return try M.defaults(for: data, ipc: ipc, inputs: inputs)
        }
        config.seed = try seedArgument(args, earlier: earlier, context: context)
        let given = try apply(M.parameters, to: &config, args, data: data, ipc: ipc, inputs: inputs)
        try refuseUndeclared(M.self, args)
        M.complete(&config, data: data, given: given, resuming: resuming)
        try located(args, nil) { try M.validate(config, data: data, inputs: inputs) }
        var control = RunControl(isCancelled: { Interrupt.isRequested })
        control.resume = earlier?.synthetic
        if let v = try args.optionalString("budget") {
            control.budget = try located(args, "budget") { try RunControl.seconds(v) }
        }
        let checkpoint = try checkpointArgument(args)
        let set = try located(args, nil) {
            let method = try M(data: data, config: config, inputs: inputs)
            return try MethodRun(method: method, data: data, config: config, checkpoint: checkpoint, control: control,
                                 progress: context.progress).run()
        }
        if let d = set.diverged {
            context.output.write("warning: distill: the run diverged: \(d) (HINT: lower lr)\n")
        }
        warnIfNotSaved(checkpoint, "distill", context)
        return .host(SyntheticObject(set, dataset: data))
    }

    /// Runs `body`; a `DistillError` about an argument the call gave (or `argument`) points at it.
    static func located<T>(_ args: Arguments, _ argument: String?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as DistillError {
            if let name = e.argument ?? argument, args.isGiven(name) { throw args.error(args.index(name), e.description) }
            throw e
        } catch let e as TensorError {
            if let argument, args.isGiven(argument) { throw args.error(args.index(argument), e.message) }
            throw e
        }
    }

    /// The set `resume=` names, if any.
    static func resumedSet(_ args: Arguments) throws -> SyntheticObject? {
        switch args.value("resume") {
        case .none: return nil
        case .host(let s as SyntheticObject): return s
        default: throw args.typeError(args.index("resume"), expected: "synthetic set")
        }
    }

    /// `ipc`: given, or the resumed set's.
    static func ipcArgument(_ args: Arguments, earlier: SyntheticObject?) throws -> Int {
        let ipc = args.isGiven("ipc") || earlier == nil ? try args.integer("ipc") : earlier!.synthetic.ipc
        guard ipc >= 1 else { throw args.error(args.index("ipc"), "ipc must be at least 1, got \(ipc)") }
        if let earlier, earlier.synthetic.ipc != ipc {
            throw args.error(args.index("resume"), "the set to resume has \(earlier.synthetic.ipc) images per class, not ipc \(ipc)")
        }
        return ipc
    }

    /// The seed: given, or the resumed set's, or the session's next.
    static func seedArgument(_ args: Arguments, earlier: SyntheticObject?, context: CallContext) throws -> UInt64 {
        if !args.isGiven("seed"), let s = earlier?.synthetic {
            if let seed = s.artifacts.seed ?? s.settings["seed"].flatMap({ UInt64($0) }) { return seed }
        }
        return try context.seed(args)
    }

    /// Whitened data only for methods that work in that space, and never mixed with a set made
    /// in the other space.
    static func checkSpace<M: DistillationMethod>(_ m: M.Type, _ args: Arguments, data: Dataset, earlier: SyntheticObject?) throws {
        if let earlier, (earlier.dataset.whitening == nil) != (data.whitening == nil) {
            throw args.error(0, "the set to resume was distilled from \(earlier.dataset.whitening == nil ? "unwhitened" : "ZCA-whitened") data, and this data set is \(data.whitening == nil ? "not whitened" : "ZCA-whitened")")
        }
        if data.whitening != nil, !M.capabilities.contains(.whitenedData) {
            throw args.error(0, "method \"\(M.name)\" works in pixel space (multi-formation, pixels clamped to [0, 1]); give it the data set without zca(...)")
        }
    }

    /// Applies the arguments the call gave, in the method's order; returns their names.
    static func apply<C>(_ parameters: [MethodParameter<C>], to config: inout C, _ args: Arguments, data: Dataset, ipc: Int,
                         inputs: MethodInputs) throws -> Set<String> {
        var context = ParameterContext(data: data, ipc: ipc, inputs: inputs)
        var given: Set<String> = []
        for p in parameters where args.isGiven(p.name) {
            let value = try parameterValue(args, p.name, p.kind)
            do {
                try p.apply(to: &config, value, &context)
            } catch let e as DistillError {
                throw args.error(args.index(p.name), e.description)
            } catch let e as TensorError {
                throw args.error(args.index(p.name), e.message)
            }
            given.insert(p.name)
        }
        return given
    }

    /// The call's value of argument `name`, converted by kind.
    static func parameterValue(_ args: Arguments, _ name: String, _ kind: ParameterKind) throws -> ParameterValue {
        switch kind {
        case .integer: return .integer(try args.integer(name))
        case .number: return .number(try args.number(name))
        case .text, .choice: return .text(try args.string(name))
        case .model:
            guard case .host(let m as ModelObject) = args.value(name) else { throw args.typeError(args.index(name), expected: "model") }
            return .model(m.spec, weightsGiven: m.weightsGiven)
        case .experts:
            guard case .host(let e as ExpertsObject) = args.value(name) else { throw args.typeError(args.index(name), expected: "experts") }
            return .experts(e.experts)
        }
    }

    /// An argument another method reads, given to one that does not, is an error saying whose it is.
    static func refuseUndeclared<M: DistillationMethod>(_ m: M.Type, _ args: Arguments) throws {
        let own = Set(M.parameters.map(\.name))
        for name in methodArgumentNames where args.isGiven(name) && !own.contains(name) {
            let owners = MethodRegistry.all.filter { $0.parameterNames.contains(name) }.map { $0.name }
            let help = MethodRegistry.all.lazy.compactMap { $0.help(of: name) }.first ?? "is an argument"
            let list = owners.isEmpty ? "other methods" : owners.joined(separator: ", ")
            throw args.error(args.index(name), "\(name)= \(help) for \(list) only (method \"\(M.name)\" does not take it)")
        }
    }

    /// Every argument name some registered method declares, in order of first appearance.
    static var methodArgumentNames: [String] {
        var seen: Set<String> = []
        return MethodRegistry.all.flatMap { $0.parameterNames }.filter { seen.insert($0).inserted }
    }
}

extension DistillationMethod {
    static var parameterNames: [String] { parameters.map(\.name) }
    static func help(of name: String) -> String? { parameters.first { $0.name == name }?.help }
}
