// swift-tools-version:6.0
// Distillery: a notebook-style scripting REPL for dataset distillation.
// Module order follows the data flow (docs/architecture.md): Kernels -> TensorCore -> Autograd
// -> NeuralNet -> Distillation; Datasets and ImageIO sit on TensorCore beside the network side;
// Script knows nothing numeric; Bindings is the one place where both worlds meet.
// Every target lists each package module its files import, no more: scripts/check-imports
// (run by the test suite) fails on an import that is not declared here.
import PackageDescription

/// Kernels are compiled with optimisation for the host CPU even in debug builds, so the test
/// suite (debug) runs numeric code at a usable speed; see DESIGN.md §3.
let fastFlags: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-target-cpu", "native"], .when(configuration: .release)),
    .unsafeFlags(["-O", "-target-cpu", "native"], .when(configuration: .debug)),
]

let package = Package(
    name: "Distillery",
    products: [
        .executable(name: "distill", targets: ["distill"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries, found through pkg-config (installed by scripts/setup).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CReadline", pkgConfig: "readline", providers: [.apt(["libreadline-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),

        // The ranks of an SPMD job under mpirun, or a world of one (docs/scale-out.md).
        .target(name: "Cluster", dependencies: ["CMPI"]),

        // Numeric core.
        .target(name: "Kernels", dependencies: ["CBLAS"], swiftSettings: fastFlags),
        .target(name: "TensorCore", dependencies: ["Kernels", "Persistence"], swiftSettings: fastFlags),
        .target(name: "Autograd", dependencies: ["Kernels", "TensorCore"], swiftSettings: fastFlags),
        .target(name: "NeuralNet", dependencies: ["TensorCore", "Autograd", "Cluster"], swiftSettings: fastFlags),
        .target(name: "ImageIO", dependencies: ["TensorCore", "Persistence", "CPNG"]),
        .target(name: "Datasets", dependencies: ["Kernels", "TensorCore", "ImageIO", "CBLAS", "CZlib"], swiftSettings: fastFlags),
        .target(name: "Distillation", dependencies: ["Cluster", "Kernels", "TensorCore", "Autograd", "NeuralNet", "Datasets", "Persistence"], swiftSettings: fastFlags),
        // Exported sets: .safetensors, .npz and image folders (docs/export.md).
        .target(name: "Exchange", dependencies: ["Cluster", "TensorCore", "Persistence", "ImageIO", "Datasets", "Distillation", "CZlib"]),
        // Session files and checkpoints: the container format, atomic writes.
        .target(name: "Persistence", dependencies: ["CZlib", "Cluster"]),

        // Language and front ends.
        .target(name: "Script"),
        .target(name: "Bindings", dependencies: ["Cluster", "Script", "TensorCore", "Autograd", "NeuralNet", "Datasets", "ImageIO", "Distillation", "Persistence", "Exchange"]),
        .target(name: "Notebook", dependencies: ["Cluster", "Script", "Bindings", "TensorCore", "Persistence", "CReadline"]),
        .executableTarget(name: "distill", dependencies: [
            "Notebook", "TensorCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Fuzz harnesses (docs/fuzzing.md): replays files in the normal build; scripts/fuzz builds
        // it with -D FUZZING and the libFuzzer and address sanitizers into .build-fuzz.
        .executableTarget(name: "DistillFuzz", dependencies: ["Script", "Bindings", "Persistence", "Datasets", "ImageIO",
                                                              "Distillation", "TensorCore", "Notebook", "Exchange", "CZlib"],
                          path: "Fuzz", exclude: ["crashes", "dictionaries"]),
        .executableTarget(name: "Bench", dependencies: ["Kernels", "TensorCore", "Autograd", "NeuralNet", "Datasets", "Distillation"], swiftSettings: fastFlags),

        // Tests: one target per module, plus shared helpers.
        .target(name: "TestSupport", dependencies: ["TensorCore", "Autograd"], path: "Tests/TestSupport"),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster"]),
        .testTarget(name: "TensorCoreTests", dependencies: ["Kernels", "TensorCore", "TestSupport"]),
        .testTarget(name: "AutogradTests", dependencies: ["Kernels", "TensorCore", "Autograd", "TestSupport"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["Kernels", "TensorCore", "Autograd", "NeuralNet", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Kernels", "TensorCore", "Datasets", "CZlib", "TestSupport"]),
        .testTarget(name: "DistillationTests", dependencies: ["Cluster", "Kernels", "TensorCore", "Autograd", "NeuralNet", "Datasets",
                                                        "Persistence", "Distillation", "TestSupport"]),
        .testTarget(name: "ExchangeTests", dependencies: ["Exchange", "Datasets", "Distillation", "NeuralNet", "ImageIO", "TensorCore", "Persistence"]),
        .testTarget(name: "PersistenceTests", dependencies: ["Persistence"]),
        .testTarget(name: "ImageIOTests", dependencies: ["TensorCore", "Persistence", "ImageIO", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "ScriptTests", dependencies: ["Script", "Bindings"], resources: [.copy("Corpus")]),
        .testTarget(name: "BindingsTests", dependencies: ["Bindings", "Notebook", "Persistence", "TestSupport", "Datasets", "Distillation", "ImageIO", "Kernels", "Script", "TensorCore"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "NotebookTests", dependencies: ["Script", "Bindings", "Persistence", "Notebook"],
                    resources: [.copy("Transcripts")]),
    ],
    swiftLanguageModes: [.v5]
)
