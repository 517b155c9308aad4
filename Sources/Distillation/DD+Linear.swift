// The linear case of the DD paper: least-squares regression, where one GD step on M distilled
// points can land on the full-data optimum from any start only when M >= D (the step's
// matrix I - η/M X̃ᵀX̃ must vanish, which needs X̃ of rank D). A worked example, not a method.
import Autograd
import Foundation
import NeuralNet
import TensorCore

extension DD {
    /// Distilled points for the linear model y = xᵀw with loss ℓ(w) = ‖Xw − y‖² / (2N).
    public struct Linear {
        /// Distilled inputs [M, D], targets [M] and the step size.
        public var x: Tensor
        public var y: Tensor
        public var lr: Float

        /// One GD step on the distilled points: w − lr/M · X̃ᵀ(X̃w − ỹ).
        public func step(from w: Tensor) throws -> Tensor {
            try Linear.step(Variable(w.reshaped([-1, 1])), Variable(x), Variable(y.reshaped([-1, 1])),
                            Variable(Tensor(unchecked: [1], data: [lr]))).value.reshaped([-1])
        }

        static func step(_ w: Variable, _ x: Variable, _ y: Variable, _ lr: Variable) throws -> Variable {
            let residual = try x.matmul(w) - y
            let grad = try x.transpose().matmul(residual) / Float(x.shape[0])
            return try w - grad * lr
        }

        /// Learns M points (and the step size) so that one step from w0 ~ N(0, I) minimises the
        /// real loss, as DD does with random initialisation: Adam on points and log step size,
        /// `batch` starting points per iteration.
        public static func distill(x real: Tensor, y target: Tensor, points m: Int, iterations: Int, batch: Int = 16,
                                   learningRate: Float = 0.02, seed: UInt64) throws -> Linear {
            guard real.rank == 2, target.shape == [real.shape[0]], m >= 1, iterations >= 0, batch >= 1 else {
                throw TensorError("dd linear: x must be [N, D] with N targets, points and batch >= 1")
            }
            let d = real.shape[1]
            var rng = SeededRNG(seed: seed)
            var params = [try Tensor.randn([m, d], rng: &rng), try Tensor.randn([m, 1], rng: &rng), Tensor(unchecked: [1], data: [-2])]
            var adam = Adam(learningRate: learningRate, beta1: 0.9, beta2: 0.999)
            let xr = Variable(real), yr = Variable(try target.reshaped([-1, 1]))
            for it in 0..<iterations {
                let leaves = params.map { Variable($0, requiresGrad: true) }
                let w0 = Variable(try Tensor.randn([d, batch], rng: &rng))
                let w1 = try step(w0, leaves[0], leaves[1], leaves[2].exp())
                let r = try xr.matmul(w1) - yr
                let loss = try (r * r).mean() * 0.5
                let g = try gradients(of: loss, wrt: leaves).map(\.value)
                adam.learningRate = learningRate * (it < iterations / 2 ? 1 : 0.1)
                try adam.step(&params, g)
            }
            return Linear(x: params[0], y: try params[1].reshaped([-1]), lr: Foundation.exp(params[2].data[0]))
        }

        /// The least-squares optimum of ‖Xw − y‖², by the normal equations in Double
        /// (Gaussian elimination with partial pivoting). X must have full column rank.
        public static func leastSquares(x: Tensor, y: Tensor) throws -> Tensor {
            guard x.rank == 2, y.shape == [x.shape[0]] else { throw TensorError("dd linear: x must be [N, D] with N targets") }
            let (n, d) = (x.shape[0], x.shape[1])
            let w = d + 1
            var a = [Double](repeating: 0, count: d * w)
            for r in 0..<n {
                for i in 0..<d {
                    let xi = Double(x.data[r * d + i])
                    for j in 0..<d { a[i * w + j] += xi * Double(x.data[r * d + j]) }
                    a[i * w + d] += xi * Double(y.data[r])
                }
            }
            for col in 0..<d {
                let pivot = (col..<d).max { Swift.abs(a[$0 * w + col]) < Swift.abs(a[$1 * w + col]) }!
                guard Swift.abs(a[pivot * w + col]) > 1e-12 else { throw TensorError("dd linear: X does not have full column rank") }
                for k in 0...d { a.swapAt(col * w + k, pivot * w + k) }
                for r in 0..<d where r != col {
                    let f = a[r * w + col] / a[col * w + col]
                    for k in col...d { a[r * w + k] -= f * a[col * w + k] }
                }
            }
            return Tensor(unchecked: [d], data: (0..<d).map { Float(a[$0 * w + d] / a[$0 * w + $0]) })
        }
    }
}
