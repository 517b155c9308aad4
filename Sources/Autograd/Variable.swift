// Variable: a tensor that remembers how it was computed, and the reverse-mode walk that turns
// that record into gradients. Backward rules are written with Variable ops themselves, so the
// gradients can be differentiated again (gradient matching and unrolled training need that).
import TensorCore

/// A node in the computation graph: a value, and (for results of ops) the rule that maps the
/// gradient of the output to gradients of the inputs.
///
///     let x = Variable(try Tensor(shape: [2], data: [1, 2]), requiresGrad: true)
///     let y = try (x * x).sum()
///     let (g) = try gradients(of: y, wrt: [x])[0]      // 2x
public final class Variable {
    public let value: Tensor
    /// True for leaves that want gradients and for every result computed from one.
    public let requiresGrad: Bool
    let node: Node?

    /// A leaf.
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.node = nil
    }

    init(value: Tensor, node: Node) {
        self.value = value
        self.requiresGrad = true
        self.node = node
    }

    public var shape: [Int] { value.shape }
    public var rank: Int { value.rank }
    public var count: Int { value.count }
    /// Name of the op that produced this value (`leaf` for leaves), for debugging.
    public var opName: String { node?.name ?? "leaf" }

    /// The same value, cut off from the graph.
    public func detached() -> Variable { Variable(value) }

    /// A constant (no gradient) variable.
    public static func constant(_ t: Tensor) -> Variable { Variable(t) }

    /// Builds the result of an op: records a node when recording is on and an input needs
    /// gradients; otherwise returns a constant.
    /// `backward(g, needs)` returns one gradient per input (nil where `needs` is false).
    static func record(
        _ name: String, _ value: Tensor, _ inputs: [Variable],
        _ backward: @escaping (Variable, [Bool]) throws -> [Variable?]
    ) -> Variable {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return Variable(value) }
        return Variable(value: value, node: Node(name: name, inputs: inputs, backward: backward))
    }
}

final class Node {
    let name: String
    let inputs: [Variable]
    let backward: (Variable, [Bool]) throws -> [Variable?]
    init(name: String, inputs: [Variable], backward: @escaping (Variable, [Bool]) throws -> [Variable?]) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }
}

/// Whether ops record the graph. Off inside `GradMode.withoutGrad` and, unless `createGraph`
/// is asked for, while backward rules run. Task-local, so concurrent sessions do not interfere.
public enum GradMode {
    @TaskLocal public static var isEnabled = true

    /// Runs `body` recording nothing and keeping no activations.
    public static func withoutGrad<T>(_ body: () throws -> T) rethrows -> T {
        try $isEnabled.withValue(false, operation: body)
    }
}

/// Gradients of the scalar `output` (or of `<seed, output>` for a non-scalar one) with respect
/// to each of `inputs`; an input the output does not depend on gets zeros.
/// With `createGraph`, the returned gradients are themselves differentiable.
public func gradients(
    of output: Variable, wrt inputs: [Variable], seed: Tensor? = nil, createGraph: Bool = false
) throws -> [Variable] {
    let seedValue: Tensor
    if let seed {
        guard seed.shape == output.shape else {
            throw TensorError("gradients: seed shape \(seed.shape.shapeText) differs from output shape \(output.shape.shapeText)")
        }
        seedValue = seed
    } else {
        guard output.count == 1 else {
            throw TensorError("gradients: output of shape \(output.shape.shapeText) is not a scalar; pass a seed")
        }
        seedValue = Tensor(unchecked: output.shape, data: [1])
    }
    let wanted = Set(inputs.map(ObjectIdentifier.init))
    let order = topologicalOrder(output)
    // needed[v]: some wanted input is reachable from v (order lists inputs before users).
    var needed = Set<ObjectIdentifier>()
    for v in order {
        let id = ObjectIdentifier(v)
        if wanted.contains(id) || (v.node?.inputs.contains { needed.contains(ObjectIdentifier($0)) } ?? false) {
            needed.insert(id)
        }
    }
    var grads: [ObjectIdentifier: Variable] = [ObjectIdentifier(output): Variable(seedValue)]
    try GradMode.$isEnabled.withValue(createGraph) {
        for v in order.reversed() {
            let id = ObjectIdentifier(v)
            guard needed.contains(id), let node = v.node, let g = grads[id] else { continue }
            // Gradients of intermediate values are no longer needed once passed on.
            if !wanted.contains(id) { grads[id] = nil }
            let needs = node.inputs.map { $0.requiresGrad && needed.contains(ObjectIdentifier($0)) }
            let gin = try node.backward(g, needs)
            for (i, input) in node.inputs.enumerated() where needs[i] {
                guard let gi = gin[i] else { continue }
                precondition(gi.shape == input.shape, "\(node.name): gradient shape \(gi.shape) for input \(input.shape)")
                let key = ObjectIdentifier(input)
                if let prev = grads[key] { grads[key] = try prev + gi } else { grads[key] = gi }
            }
        }
    }
    return inputs.map { grads[ObjectIdentifier($0)] ?? Variable(Tensor.zeros(like: $0.value)) }
}

/// Every variable `output` depends on that requires gradients, inputs before users
/// (iterative depth-first search, so deep unrolled graphs do not exhaust the stack).
func topologicalOrder(_ output: Variable) -> [Variable] {
    var order: [Variable] = []
    var visited = Set<ObjectIdentifier>()
    var stack: [(Variable, Int)] = [(output, 0)]
    visited.insert(ObjectIdentifier(output))
    while let (v, next) = stack.last {
        let inputs = v.node?.inputs ?? []
        if next < inputs.count {
            stack[stack.count - 1].1 = next + 1
            let child = inputs[next]
            if child.requiresGrad && visited.insert(ObjectIdentifier(child)).inserted {
                stack.append((child, 0))
            }
        } else {
            order.append(v)
            stack.removeLast()
        }
    }
    return order
}
