// The tensor builtins through the language: creation, seeds, shape ops, reductions, element-wise
// and network ops (checked against plain reference loops), and Lua-style argument errors.
import Bindings
import Foundation
import Script
import TensorCore
import TestSupport
import Testing

@Test func tensorReadsNestedListsAndRejectsRaggedOnes() {
    #expect(show("tensor([[1, 2], [3, 4]]).shape, tensor([[[1], [2]]]).shape, tensor(3).shape") == "[2, 2] [1, 2, 1] []")
    #expect(show("tensor([true, false]).tolist(), tensor([[], []]).shape") == "[1, 0] [2, 0]")
    #expect(show("tensor(x) == x", setup: "x = ones([2])") == "tensor [2]  min 1  max 1  mean 1\n[1, 1]")
    #expect(failure("tensor([[1, 2], [3]])") == "bad argument #1 to 'tensor' (ragged nested list: lists at depth 1 have lengths 2 and 1)")
    #expect(failure("tensor([[[1, 2], [3, 4]], [[1, 2], [3]]])") == "bad argument #1 to 'tensor' (ragged nested list: lists at depth 2 have lengths 2 and 1)")
    #expect(failure("tensor([[1, 2], 3])") == "bad argument #1 to 'tensor' (ragged nested list: items at depth 1 mix numbers and lists)")
    #expect(failure("tensor([1, [2]])") == "bad argument #1 to 'tensor' (ragged nested list: items at depth 1 mix numbers and lists)")
    #expect(failure("tensor([[1, \"a\"]])") == "bad argument #1 to 'tensor' (nested list of numbers expected, found a string at depth 2)")
    #expect(failure("tensor(\"a\")") == "bad argument #1 to 'tensor' (number or nested list of numbers expected, got string)")
}

@Test func creationBuiltins() {
    #expect(show("zeros([2, 3]).tolist(), ones(2).tolist(), full([1, 2], 0.5).tolist()") == "[[0, 0, 0], [0, 0, 0]] [1, 1] [[0.5, 0.5]]")
    #expect(show("arange(4).tolist(), arange(2, 5).tolist(), arange(1, 0, -0.25).tolist(), arange(3, 3).shape") == "[0, 1, 2, 3] [2, 3, 4] [1, 0.75, 0.5, 0.25] [0]")
    #expect(show("one_hot([0, 2], 3).tolist(), one_hot(tensor([1]), 2).tolist()") == "[[1, 0, 0], [0, 0, 1]] [[0, 1]]")
    #expect(failure("one_hot([3], 3)") == "one_hot: label 3 is out of range for 3 classes")
    #expect(failure("one_hot([0.5], 3)") == "bad argument #1 to 'one_hot' (labels must be integers, item 1 is 0.5)")
    #expect(failure("full([2], \"a\")") == "bad argument #2 to 'full' (number expected, got string)")
    #expect(failure("arange(0, 1, 0)") == "bad argument #3 to 'arange' (step cannot be zero)")
}

@Test func randomBuiltinsFollowTheSeed() throws {
    let s = Snippet()
    s.run("a = randn([3, 4], seed=7)\nb = rand([100], low=-2, high=3, seed=7)\nseed(5)\nc = randn([4])\nd = randn([4])\nseed(5)\ne = randn([4])")
    #expect(try #require(s.tensor("a")) == (try Tensor.randn([3, 4], seed: 7)))
    let b = try #require(s.tensor("b"))
    #expect(b.data.allSatisfy { $0 >= -2 && $0 < 3 })
    var rng = SeededRNG(seed: 7)
    #expect(b == (try Tensor.rand([100], lo: -2, hi: 3, rng: &rng)))
    let c = try #require(s.tensor("c")), d = try #require(s.tensor("d")), e = try #require(s.tensor("e"))
    #expect(c == e)
    #expect(c != d)
    s.run("n = randn([10000], mean=3, std=0.5, seed=1)")
    let n = try #require(s.tensor("n"))
    let mean = n.data.reduce(0, +) / Float(n.count)
    let std = (n.data.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(n.count)).squareRoot()
    #expect(abs(mean - 3) < 0.02 && abs(std - 0.5) < 0.02)
    #expect(failure("rand([2], low=1, high=1)") == "bad argument 'high' to 'rand' (high must be above low, got low 1 and high 1)")
    #expect(failure("randn([2], std=-1)") == "bad argument 'std' to 'randn' (std must be 0 or more, got -1)")
    #expect(failure("randn([2], seed=1.5)") == "bad argument 'seed' to 'randn' (integer expected, got number 1.5)")
}

@Test func shapeBuiltins() {
    let x = "x = arange(24).reshape([2, 3, 4])\n"
    #expect(show("reshape(x, [4, -1]).shape, reshape(x, 24).shape", setup: x) == "[4, 6] [24]")
    #expect(show("transpose(x).shape, transpose(x, 0, 2).shape, permute(x, [2, 0, 1]).shape", setup: x) == "[2, 4, 3] [4, 3, 2] [4, 2, 3]")
    #expect(show("transpose(x, 0, 2)[3, 2, 1], permute(x, [2, 0, 1])[3, 1, 2]", setup: x) == "23 23")
    #expect(show("concat([ones([2, 1]), zeros([2, 2])], axis=1).tolist()") == "[[1, 0, 0], [1, 0, 0]]")
    #expect(show("stack([zeros([2]), ones([2])], axis=-1).tolist(), stack([[1, 2], [3, 4]]).shape") == "[[0, 1], [0, 1]] [2, 2]")
    #expect(show("pad(ones([1, 2]), [0, [1, 2]], value=-1).tolist(), pad(ones([1, 1, 2, 2]), [0, 0, 1, 1]).shape") == "[[-1, 1, 1, -1, -1]] [1, 1, 4, 4]")
    #expect(show("where(tensor([-1, 2, -3]) > 0, tensor([-1, 2, -3]), 0).tolist(), where([1, 0], 5, [[7], [8]]).tolist()") == "[0, 2, 0] [[5, 7], [5, 8]]")
    #expect(failure(x + "reshape(x, [5, 5])") == "reshape: cannot reshape [2, 3, 4] (24 elements) into [5, 5]")
    #expect(failure(x + "permute(x, [0, 0, 1])") == "permute: [0, 0, 1] is not a permutation of the 3 axes of [2, 3, 4]")
    #expect(failure("transpose(ones([3]))") == "transpose: needs rank >= 2, got shape [3]")
    #expect(failure("concat([ones([2, 1]), ones([3, 2])], axis=1)") == "concat: tensor #2 has shape [3, 2], incompatible with [2, 1] along axis 1")
    #expect(failure("concat([])") == "bad argument #1 to 'concat' (list of tensors expected, got an empty list)")
    #expect(failure("stack(ones([2]))") == "bad argument #1 to 'stack' (list of tensors expected, got tensor)")
    #expect(failure("pad(ones([2]), [1, 1])") == "bad argument #2 to 'pad' (2 widths for a tensor of rank 1 (shape [2]))")
    #expect(failure("pad(ones([2]), [-1])") == "bad argument #2 to 'pad' (each width must be an integer or a pair [before, after] of integers 0 or more, item 1 is -1)")
    #expect(failure("matmul(2, ones([2]))") == "bad argument #1 to 'matmul' (matmul needs a tensor of rank 1 or more, got a rank-0 tensor)")
}

@Test func reductionsTakeAxisListsAndKeepdims() {
    let x = "x = tensor([[1, 2, 3], [4, 5, 6]])\n"
    #expect(show("sum(x), mean(x), max(x), min(x), norm(tensor([3, 4]))", setup: x) == "21 3.5 6 1 5")
    #expect(show("sum(x, axis=0).tolist(), sum(x, axis=-1).tolist(), sum(x, axis=[0, 1]).tolist()", setup: x) == "[5, 7, 9] [6, 15] 21")
    #expect(show("sum(x, axis=1, keepdims=true).shape, mean(x, keepdims=true).shape, x.mean(axis=0).tolist()", setup: x) == "[2, 1] [1, 1] [2.5, 3.5, 4.5]")
    #expect(show("var(x), var(x, axis=1).tolist(), var(tensor([1, 2, 3, 4]), unbiased=true)", setup: x) == "2.9166667 [0.6666667, 0.6666667] 1.6666667")
    #expect(show("max(x, axis=0).tolist(), x.min(axis=1, keepdims=true).tolist(), norm(x, axis=1).tolist()", setup: x)
            == "[4, 5, 6] [[1], [4]] [3.7416575, 8.774964]")
    #expect(show("argmax(x), argmax(tensor([[1, 9], [7, 2], [3, 3]]), axis=1).tolist(), argmax(x, 0, true).shape", setup: x) == "5 [1, 0, 0] [1, 3]")
    #expect(failure(x + "sum(x, axis=2)") == "sum: axis 2 is out of range for a tensor of rank 2 (shape [2, 3])")
    #expect(failure(x + "sum(x, axis=[0, 0])") == "sum: axis 0 is repeated")
    #expect(failure(x + "sum(x, axis=\"a\")") == "bad argument #2 to 'sum' (integer or list of integers expected, got string)")
    #expect(failure(x + "mean(x, keepdims=1)") == "bad argument #3 to 'mean' (bool expected, got number)")
    #expect(failure(x + "max(x, axis=[\"a\"])") == "bad argument #2 to 'max' (list of integers expected, item 1 is string)")
    #expect(failure("argmax(zeros([0]))") == "bad argument #1 to 'argmax' (argmax of an empty tensor (shape [0]))")
}

@Test func elementwiseBuiltinsTakeTensorsAndNumbers() throws {
    let s = Snippet()
    s.run("x = tensor([-2, -0.5, 0.25, 1, 3])\ne = exp(x)\nt = tanh(x)\ng = sigmoid(x)\nr = relu(x)\nl = log(abs(x))\nq = sqrt(abs(x))")
    let values: [Float] = [-2, -0.5, 0.25, 1, 3]
    for (name, f) in [("e", Foundation.exp), ("t", Foundation.tanh), ("g", { 1 / (1 + Foundation.exp(-$0)) }),
                      ("r", { Swift.max($0, 0) }), ("l", { Foundation.log(Swift.abs($0)) }), ("q", { Swift.abs($0).squareRoot() })] as [(String, (Float) -> Float)] {
        #expect(closenessFailure(try #require(s.tensor(name)).data, values.map(f)) == nil, "\(name)")
    }
    #expect(show("exp(0), log(1), sqrt(9), relu(-1), sigmoid(0), tanh(0)") == "1 0 3 0 0.5 0")
    #expect(show("abs(tensor([-1, 2])).tolist(), floor(tensor([1.5, -1.5])).tolist(), ceil(tensor([1.5, -1.5])).tolist()") == "[1, 2] [1, -2] [2, -1]")
    #expect(show("round(tensor([1.26, 2.5, -0.5])).tolist(), round(tensor([1.26]), 1).tolist()") == "[1, 3, -1] [1.3]")
    #expect(show("clamp(tensor([-2, 0.5, 3]), 0, 1).tolist(), clamp(tensor([-2, 3]), max=1).tolist(), clamp(5, 0, 1)") == "[0, 0.5, 1] [-2, 1] 1")
    #expect(failure("clamp(ones([2]), 1, 0)") == "bad argument #3 to 'clamp' (max must not be below min, got min 1 and max 0)")
    #expect(failure("exp(\"a\")") == "bad argument #1 to 'exp' (tensor expected, got string)")
    #expect(failure("round(ones([2]), 9)") == "bad argument #2 to 'round' (digits must be in 0...8, got 9)")
    #expect(show("ones([2, 2]).sum(axis=[0, 1], keepdims=true).item(), tensor([[1, 2]]).tolist(), tensor(4).tolist()") == "4 [[1, 2]] 4")
    #expect(failure("ones([2]).item()") == "bad argument #1 to 'item' (item needs a tensor with one element, got shape [2] (2 elements))")
}

@Test func softmaxAndCrossEntropyMatchTheirDefinitions() throws {
    let s = Snippet()
    s.run("z = tensor([[1, 2, 3], [0, 0, 10]])\np = softmax(z)\nlp = log_softmax(z, axis=1)\nc = softmax(z, axis=0)\nloss = cross_entropy(z, [2, 0])\nloss2 = cross_entropy(z, tensor([2, 0]))")
    let rows: [[Float]] = [[1, 2, 3], [0, 0, 10]]
    let expected = rows.flatMap { r -> [Float] in
        let total = r.map { Foundation.exp($0) }.reduce(0, +)
        return r.map { Foundation.exp($0) / total }
    }
    #expect(closenessFailure(try #require(s.tensor("p")).data, expected) == nil)
    #expect(closenessFailure(try #require(s.tensor("lp")).data, expected.map { Foundation.log($0) }, atol: 1e-4) == nil)
    #expect(closenessFailure(try #require(s.tensor("c")).data, [0.7311, 0.8808, 0.000911, 0.2689, 0.1192, 0.99909], atol: 1e-4) == nil)
    let ce = -(Foundation.log(Double(expected[2])) + Foundation.log(Double(expected[3]))) / 2
    #expect(abs(Double(s.run("print(loss)").dropLast())! - ce) < 1e-5)
    #expect(s.run("print(loss == loss2)") == "true\n")
    #expect(failure("cross_entropy(ones([3]), [0])") == "bad argument #1 to 'cross_entropy' (logits must be [N, classes], got shape [3])")
    #expect(failure("cross_entropy(ones([2, 3]), [0])") == "cross_entropy: 1 labels for 2 rows of logits")
    #expect(failure("cross_entropy(ones([1, 3]), [\"a\"])") == "bad argument #2 to 'cross_entropy' (nested list of numbers expected, found a string at depth 1)")
}

/// Plain cross-correlation: x [n, c, h, w], w [o, c, kh, kw].
private func referenceConv(_ x: Tensor, _ w: Tensor, bias: [Float]?, stride: Int, padding: Int) -> (shape: [Int], data: [Float]) {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
    let oh = (h + 2 * padding - kh) / stride + 1, ow = (wd + 2 * padding - kw) / stride + 1
    var out: [Float] = []
    for b in 0..<n { for oc in 0..<o { for i in 0..<oh { for j in 0..<ow {
        var acc = bias?[oc] ?? 0
        for ic in 0..<c { for u in 0..<kh { for v in 0..<kw {
            let y = i * stride + u - padding, xx = j * stride + v - padding
            if y >= 0, y < h, xx >= 0, xx < wd {
                acc += x.data[((b * c + ic) * h + y) * wd + xx] * w.data[((oc * c + ic) * kh + u) * kw + v]
            }
        } } }
        out.append(acc)
    } } } }
    return ([n, o, oh, ow], out)
}

@Test(arguments: [(1, 0), (2, 1), (1, 2)])
func conv2dMatchesAReferenceLoop(_ stride: Int, _ padding: Int) throws {
    let s = Snippet()
    s.run("x = randn([2, 3, 7, 6], seed=1)\nw = randn([4, 3, 3, 2], seed=2)\nb = tensor([1, -1, 0.5, 0])\ny = conv2d(x, w, bias=b, stride=\(stride), padding=\(padding))")
    let x = try #require(s.tensor("x")), w = try #require(s.tensor("w")), y = try #require(s.tensor("y"))
    let expected = referenceConv(x, w, bias: [1, -1, 0.5, 0], stride: stride, padding: padding)
    #expect(y.shape == expected.shape)
    #expect(closenessFailure(y.data, expected.data, atol: 1e-4) == nil)
}

@Test func poolingMatchesAReferenceAndChecksArguments() throws {
    let s = Snippet()
    s.run("x = arange(2 * 5 * 5).reshape([1, 2, 5, 5])\nm = max_pool2d(x, 2)\na = avg_pool2d(x, 3, stride=2, padding=1)")
    let m = try #require(s.tensor("m")), a = try #require(s.tensor("a"))
    #expect(m.shape == [1, 2, 2, 2])
    #expect(m.data == [6, 8, 16, 18, 31, 33, 41, 43])
    // avg with padding 1: the window at (0, 0) covers x[0..1, 0..1] and five padded zeros.
    #expect(a.shape == [1, 2, 3, 3])
    #expect(abs(a.data[0] - (0 + 1 + 5 + 6) / 9) < 1e-5)
    #expect(abs(a.data[4] - (6 + 7 + 8 + 11 + 12 + 13 + 16 + 17 + 18) / 9) < 1e-5)
    #expect(failure("max_pool2d(ones([4, 4]), 2)") == "bad argument #1 to 'max_pool2d' (images [N, C, H, W] expected, got shape [4, 4])")
    #expect(failure("avg_pool2d(ones([1, 1, 4, 4]), 0)") == "bad argument #2 to 'avg_pool2d' (kernel must be 1 or more, got 0)")
    #expect(failure("avg_pool2d(ones([1, 1, 4, 4]), 2, stride=0)") == "bad argument 'stride' to 'avg_pool2d' (stride must be 1 or more, got 0)")
    #expect(failure("max_pool2d(ones([1, 1, 2, 2]), 3)") == "max_pool2d: kernel 3 is larger than the input 2x2")
    #expect(failure("conv2d(ones([1, 2, 4, 4]), ones([1, 3, 3, 3]))") == "conv2d: input has 2 channels but weight [1, 3, 3, 3] expects 3")
    #expect(failure("conv2d(ones([1, 1, 4, 4]), ones([1, 1, 3, 3]), stride=0)") == "bad argument 'stride' to 'conv2d' (stride must be 1 or more, got 0)")
    #expect(failure("conv2d(ones([1, 1, 4, 4]), ones([2, 1, 3, 3]), bias=ones([3]))") == "conv2d: bias must be [2], got [3]")
}

@Test func badArgumentsAreWordedLikeLua() {
    #expect(failure("reshape(ones([2]), \"a\")") == "bad argument #2 to 'reshape' (list of integers expected, got string)")
    #expect(failure("reshape(ones([2]), [1, \"a\"])") == "bad argument #2 to 'reshape' (list of integers expected, item 2 is string)")
    #expect(failure("zeros(\"a\")") == "bad argument #1 to 'zeros' (list of integers expected, got string)")
    #expect(failure("zeros([2, -1])") == "bad argument #1 to 'zeros' (shape [2, -1] has a negative extent -1)")
    #expect(failure("sum(\"a\")") == "bad argument #1 to 'sum' (tensor expected, got string)")
    #expect(failure("permute(ones([2]), 0)") == "bad argument #2 to 'permute' (list of integers expected, got number)")
    #expect(failure("transpose(ones([2, 2]), 0.5)") == "bad argument #2 to 'transpose' (integer expected, got number 0.5)")
    #expect(failure("sum(ones([2]), axes=0)") == "unknown named argument 'axes' to 'sum'; did you mean 'axis'? (accepted: x, axis, keepdims)")
    #expect(failure("randn()") == "missing argument 'shape' to 'randn': randn(shape, mean=0, std=1, seed=none)")
}

@Test func everyTensorExampleRuns() {
    let registry = BuiltinRegistry.standard()
    let tensor = registry.namespaces.first { $0.name == "tensor" }!
    for builtin in tensor.builtins {
        let text = Snippet().run(builtin.example)
        #expect(!text.contains("error: "), "\(builtin.name): \(text)")
    }
    for builtin in ["min", "max", "abs", "round", "floor", "ceil"] {
        #expect(!run(registry.lookup(builtin)!.example).contains("error: "))
    }
}

@Test func tensorMethodsAreTheBuiltinsBound() {
    let names = Set(TensorObject(Tensor(scalar: 1)).memberNames)
    for name in ["sum", "mean", "var", "max", "min", "argmax", "norm", "reshape", "transpose", "permute",
                 "exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh", "clamp", "item", "tolist", "shape", "rank", "size", "T"] {
        #expect(names.contains(name), "\(name)")
    }
    #expect(show("[x.sum(axis=0).tolist(), sum(x, axis=0).tolist(), x.var(), x.norm(), x.argmax(axis=1).tolist()]", setup: "x = tensor([[1, -2], [3, 4]])")
            == "[[4, 2], [4, 2], 5.25, 5.477226, [0, 1]]")
    #expect(run("help(ones([2]).sum)").hasPrefix("sum(axis=none, keepdims=false)    [tensor method]\nThe sum of the elements over `axis`"))
}
