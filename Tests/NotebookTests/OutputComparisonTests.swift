// `notebook --check` compares numbers within a tolerance (1 % relative, or one unit in the last
// written decimal), text exactly; notebooks and cells can set their own tolerance.
import Bindings
import Foundation
import Notebook
import Script
import Testing

@Test(arguments: [
    // BLAS rounding seen on OPENBLAS_CORETYPE=Haswell machines: these must pass.
    ("test accuracy 39.6 ± 0.3 %", "test accuracy 39.7 ± 0.3 %", true),
    ("final loss 398.9", "final loss 397.3", true),
    ("68.6 ± 0.6 %", "68.4 ± 0.7 %", true),
    ("68.6 ± 0.6 %", "68.6 ± 0.4 %", true),  // seen without OPENBLAS_CORETYPE; the spread has the mean's tolerance
    ("68.6 +/- 0.6 %", "68.6 +/- 0.1 %", true),
    ("loss went from 1295 to 406", "loss went from 1293 to 405", true),
    ("x 0.48919999599456787", "x 0.4891999959945679", true),
    ("time: ~0.012 s", "time: ~3.5 s", true),
    ("[-1.5, 2e-07]", "[-1.505, 2.01e-07]", true),
    // Real changes: these must fail.
    ("test accuracy 39.6 ± 0.3 %", "test accuracy 45.0 ± 0.3 %", false),
    ("39.6 ± 0.3 %", "39.6 ± 0.9 %", false),
    ("39.6 ± 0.3 %", "39.6 ± 1.3 %", false),
    ("39.6, 0.3", "39.6, 0.5", false),  // no ±: the small number has only its own tolerance
    ("final loss 398.9", "final loss 380.2", false),
    ("40 0", "40 1", false),
    ("1x28x28", "1x28x29", false),
    ("[10, 1, 28, 28]", "[10, 1, 28, 27]", false),
    ("grid_1.png", "grid_2.png", false),
    ("loss 1.5", "loss -1.5", false),
    ("accuracy 39.6", "precision 39.6", false),
    ("1 2", "1 2 3", false),
    ("0.3", "0.5", false),
])
func numbersCompareWithinTheStandardTolerance(_ expected: String, _ actual: String, _ same: Bool) {
    #expect(OutputComparison.Tolerance.standard.matches(expected, actual) == same)
}

@Test func toleranceSettings() throws {
    typealias T = OutputComparison.Tolerance
    #expect(try T.parse("tolerance=2%").get() == T(relative: 0.02))
    #expect(try T.parse("tolerance=0.05").get() == T(relative: 0.05))
    #expect(try T.parse("tolerance=0").get() == .exact)
    #expect(try T.parse("tolerance=exact").get() == .exact)
    for bad in ["tolerance=", "tolerance=-1%", "tolerance=1", "tolerance=150%", "tolerance=nan", "tolerance=x"] {
        #expect(throws: OutputComparison.SettingError.self, "\(bad)") { try T.parse(bad).get() }
    }
    #expect(!T.exact.matches("39.6", "39.7"))
    #expect(T.exact.matches("39.60 ~1.0", "39.60 ~2.0"))
    #expect(T(relative: 0.2).matches("100", "119"))
}

@Test func notebooksAndCellsSetTheirOwnTolerance() throws {
    func check(_ expectedOutput: String, header: String = "", info: String = "") throws -> Int32 {
        try runNotebookText("\(header)```dd\(info)\nprint(100.0 / 3)\n```\n\n```text\n\(expectedOutput)\n```\n", check: true).status
    }
    #expect(try check("33.3") == 0)                                              // floor: one unit in the last decimal
    #expect(try check("33.9") == 1)                                              // 1.7 % off
    #expect(try check("33.9", header: "<!-- distill: tolerance=5% -->\n\n") == 0)
    #expect(try check("33.9", info: " tolerance=5%") == 0)
    #expect(try check("33.9", info: " {tolerance=0.05}") == 0)
    // The cell's own setting wins over the notebook's.
    #expect(try check("33.9", header: "<!-- distill: tolerance=5% -->\n\n", info: " tolerance=0") == 1)
    #expect(try check("33.3", info: " tolerance=0") == 1)
}

@Test func aFailedCheckNamesTheFirstNumberBeyondTheTolerance() throws {
    let run = try runNotebookText("```dd\nprint(\"acc\", 45.0)\n```\n\n```text\nacc 39.6\n```\n", check: true)
    #expect(run.status == ExitStatus.checkFailed)
    #expect(run.log.contains("--- first difference: 39.6 became 45, beyond the tolerance (1% relative or one unit in the last decimal)"))
}
