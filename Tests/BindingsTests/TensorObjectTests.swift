// TensorObject through the language: printing, members, indexing and slicing (checked against a
// plain reference walk), operators with broadcasting in both orders, and their error messages.
@testable import Bindings
import Script
import TensorCore
import TestSupport
import Testing

@Test func smallTensorsPrintStatisticsAndValues() {
    #expect(show("tensor([[1, 2, 3], [4, 5, 6]])") == "tensor [2, 3]  min 1  max 6  mean 3.5\n[[1, 2, 3],\n [4, 5, 6]]")
    #expect(show("tensor([[-1.5, 2], [0.25, 1000]])") == "tensor [2, 2]  min -1.5  max 1000  mean 250.2\n[[-1.5,    2],\n [0.25, 1000]]")
    #expect(show("zeros([2, 1, 2])") == "tensor [2, 1, 2]  min 0  max 0  mean 0\n[[[0, 0]],\n\n [[0, 0]]]")
    #expect(show("tensor(2.5)") == "tensor []  value 2.5")
    #expect(show("tensor([])") == "tensor [0]  empty")
    #expect(show("zeros([0, 3])") == "tensor [0, 3]  empty")
    #expect(show("tensor([1, 0.0001234, 123456789])") == "tensor [3]  min 0.0001234  max 1.235e+08  mean 4.115e+07\n[        1, 0.0001234, 1.235e+08]")
    #expect(show("log(tensor([0, -1, 1]))") == "tensor [3]  min -inf  max 0  mean nan  (1 nan)\n[-inf,  nan,    0]")
}

@Test func largeTensorsPrintOnlyTheHeader() {
    #expect(show("ones([10, 10])").contains("\n"))
    #expect(show("ones([101])") == "tensor [101]  min 1  max 1  mean 1")
    #expect(show("arange(1000)") == "tensor [1000]  min 0  max 999  mean 499.5")
}

@Test func membersGiveShapeRankSizeAndTranspose() {
    let setup = "x = arange(6).reshape([2, 3])"
    #expect(show("x.shape, x.rank, x.size, len(x), type(x)", setup: setup) == "[2, 3] 2 6 2 tensor")
    #expect(show("x.T.tolist()", setup: setup) == "[[0, 3], [1, 4], [2, 5]]")
    #expect(show("arange(3).T.tolist()") == "[0, 1, 2]")
    #expect(show("x.sum(axis=1).tolist(), x.max(), x.min(axis=0).tolist()", setup: setup) == "[3, 12] 5 [0, 1, 2]")
    #expect(show("x.reshape([3, 2]).shape, x.transpose(0, 1).shape, x.permute([1, 0]).shape", setup: setup) == "[3, 2] [3, 2] [3, 2]")
    #expect(show("x.clamp(1, 4).tolist(), x.abs().sum(), (-x).relu().sum()", setup: setup) == "[[1, 1, 2], [3, 4, 4]] 15 0")
    #expect(failure("x = ones([2]); x.shap") == "tensor has no member 'shap'; did you mean 'shape'?")
    #expect(failure("x = ones([2]); x.reshape(\"a\")") == "bad argument #2 to 'reshape' (list of integers expected, got string)")
}

@Test func iterationVisitsTheFirstAxis() {
    #expect(run("for row in arange(4).reshape([2, 2])\n print(row.tolist())\nend") == "[0, 1]\n[2, 3]\n")
    #expect(run("for v in tensor([5, 6])\n print(v)\nend") == "5\n6\n")
    #expect(failure("for v in tensor(1)\nend") == "cannot loop over a tensor (a list, string or range(n) is expected)")
}

/// Python-rule positions of one index component, for the reference walk below.
private func positions(_ spec: String, _ n: Int) -> [Int]? {
    if !spec.contains(":") {
        let i = Int(spec)!
        let j = i < 0 ? i + n : i
        return (0..<n).contains(j) ? [j] : nil
    }
    let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map { $0.isEmpty ? nil : Int($0) }
    return try? IndexComponent.positions(start: parts[0], stop: parts.count > 1 ? parts[1] : nil,
                                         step: parts.count > 2 ? parts[2] : nil, count: n)
}

@Test(arguments: ["0", "-1", "1:3", "::-1", "0, 2:", "-1, ::2, 1", ":, 1", "1:, :, ::-2", "2, 3, 4", "::2, -3:-1"])
func indexingMatchesAReferenceWalk(_ index: String) throws {
    let shape = [3, 4, 5]
    let x = Tensor(unchecked: shape, data: (0..<60).map(Float.init))
    let specs = index.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    var picks: [[Int]] = []
    var keep: [Bool] = []
    for (axis, spec) in specs.enumerated() {
        picks.append(try #require(positions(spec, shape[axis])))
        keep.append(spec.contains(":"))
    }
    for axis in specs.count..<shape.count { picks.append(Array(0..<shape[axis])); keep.append(true) }
    // Reference: every combination of picked positions, in row-major order.
    var expected: [Float] = []
    for a in picks[0] { for b in picks[1] { for c in picks[2] { expected.append(x.data[a * 20 + b * 5 + c]) } } }
    let expectedShape = zip(picks, keep).filter { $0.1 }.map { $0.0.count }

    let s = Snippet()
    s.run("x = arange(60).reshape([3, 4, 5])\ny = x[\(index)]")
    if expectedShape.isEmpty {
        #expect(s.run("print(y)") == "\(Int(expected[0]))\n")
    } else {
        let y = try #require(s.tensor("y"))
        #expect(y.shape == expectedShape)
        #expect(y.data == expected)
    }
}

@Test func slicedFastPathEqualsThePlainGather() throws {
    var rng = SeededRNG(seed: 3)
    for shape in [[1], [7], [3, 1, 5], [2, 3, 4, 5], [4, 0, 3]] {
        let x = try Tensor.randn(shape, rng: &rng)
        for _ in 0..<20 {
            // Random forward picks on a random number of leading axes.
            let k = rng.nextInt(below: shape.count + 1)
            var picks: [[Int]] = []
            for axis in 0..<k {
                let n = shape[axis]
                let start = n == 0 ? 0 : rng.nextInt(below: n), step = 1 + rng.nextInt(below: 3)
                let stop = start + rng.nextInt(below: n - start + 1)
                picks.append(rng.nextInt(below: 4) == 0 && n > 0 ? [start] : Array(stride(from: start, to: stop, by: step)))
            }
            let rest = Array(shape[k...])
            let outShape = picks.map(\.count) + rest
            let fast = try #require(try TensorObject.sliced(x, picks, outShape: outShape))
            #expect(fast == TensorObject.gather(x, picks, innerShape: rest, outShape: outShape), "\(shape) \(picks)")
        }
    }
}

@Test func indexingErrorsNameTheAxisAndShape() {
    let setup = "x = zeros([2, 3])\n"
    #expect(failure(setup + "x[2]") == "index 2 is out of range for axis 0 of size 2 (shape [2, 3])")
    #expect(failure(setup + "x[0, -4]") == "index -4 is out of range for axis 1 of size 3 (shape [2, 3])")
    #expect(failure(setup + "x[0, 0, 0]") == "too many indices for a tensor of shape [2, 3]: 3 given, rank is 2")
    #expect(failure(setup + "x[\"a\"]") == "tensor index must be an integer or a slice, got string")
    #expect(failure(setup + "x[::0]") == "slice step cannot be zero")
    #expect(failure("tensor(1)[0]") == "cannot index a rank-0 tensor (use x.item())")
    #expect(show("zeros([2, 3])[5:].shape") == "[0, 3]")
}

@Test(arguments: [
    ("x + y", [11, 22, 33, 14, 25, 36]), ("x - y", [-9, -18, -27, -6, -15, -24]),
    ("x * y", [10, 40, 90, 40, 100, 180]), ("y / x", [10, 10, 10, 2.5, 4, 5]),
    ("x ** 2", [1, 4, 9, 16, 25, 36]), ("2 ** x", [2, 4, 8, 16, 32, 64]),
    ("10 - x", [9, 8, 7, 6, 5, 4]), ("12 / x", [12, 6, 4, 3, 2.4, 2]), ("x * 0.5", [0.5, 1, 1.5, 2, 2.5, 3]),
    ("0.5 + x", [1.5, 2.5, 3.5, 4.5, 5.5, 6.5]), ("x % 4", [1, 2, 3, 0, 1, 2]), ("-x % 4", [3, 2, 1, 0, 3, 2]),
    ("x > 3", [0, 0, 0, 1, 1, 1]), ("3 < x", [0, 0, 0, 1, 1, 1]), ("x >= y / 5", [0, 0, 0, 1, 1, 1]),
    ("x <= 2", [1, 1, 0, 0, 0, 0]), ("2 >= x", [1, 1, 0, 0, 0, 0]), ("x == 2", [0, 1, 0, 0, 0, 0]),
    ("x != [1, 5, 3]", [0, 1, 0, 1, 0, 1]), ("-x", [-1, -2, -3, -4, -5, -6]), ("x + [[100], [200]]", [101, 102, 103, 204, 205, 206]),
] as [(String, [Float])])
func operatorsBroadcastInBothOrders(_ expression: String, _ expected: [Float]) throws {
    let s = Snippet()
    s.run("x = tensor([[1, 2, 3], [4, 5, 6]])\ny = tensor([10, 20, 30])\nz = \(expression)")
    let z = try #require(s.tensor("z"), "\(expression)")
    #expect(z.shape == [2, 3])
    #expect(closenessFailure(z.data, expected) == nil, "\(expression)")
}

@Test func matmulOperatorAndBuiltinAgreeWithTensorCore() throws {
    let s = Snippet()
    s.run("a = randn([3, 4], seed=1)\nb = randn([4, 2], seed=2)\nc = a @ b\nd = matmul(a, b)\nv = a @ tensor([1, 0, 0, 0])\nbatch = randn([5, 3, 4], seed=3) @ b")
    let a = try #require(s.tensor("a")), b = try #require(s.tensor("b"))
    let expected = try a.matmul(b)
    #expect(try #require(s.tensor("c")) == expected)
    #expect(try #require(s.tensor("d")) == expected)
    #expect(try #require(s.tensor("v")).data == (0..<3).map { a.data[$0 * 4] })
    #expect(try #require(s.tensor("batch")).shape == [5, 3, 2])
    #expect(failure("ones([2, 3]) @ ones([2, 3])") == "matmul: inner dimensions differ: [2, 3] and [2, 3] (3 vs 2)")
    #expect(failure("ones([2]) @ 2") == "'@' needs tensors of rank 1 or more, got shapes [2] and []")
}

@Test func operatorErrorsNameTheOpAndBothShapes() {
    #expect(failure("ones([2, 3]) + ones([2])") == "add: shapes [2, 3] and [2] cannot be broadcast together")
    #expect(failure("ones([4]) * ones([3])") == "mul: shapes [4] and [3] cannot be broadcast together")
    #expect(failure("ones([4]) < ones([3])") == "lt: shapes [4] and [3] cannot be broadcast together")
    #expect(failure("ones([2]) + \"a\"") == "cannot apply '+' to tensor and string")
    #expect(failure("ones([2]) + [1, [2]]") == "'+' needs a tensor, a number or a rectangular list of numbers on the other side")
    #expect(show("ones([2]) == \"a\", ones([2]) != none") == "false true")
}

@Test func valueSemanticsKeepOperandsUnchanged() {
    let s = Snippet()
    s.run("x = ones([2])\ny = x\nx = x + 1")
    #expect(s.run("print(x.tolist(), y.tolist())") == "[2, 2] [1, 1]\n")
}

@Test func oneElementTensorsAreTruthyByValue() {
    #expect(run("if tensor(0) print(\"yes\") else print(\"no\") end\nif sum(ones([2])) > 1 print(\"big\") end") == "no\nbig\n")
}
