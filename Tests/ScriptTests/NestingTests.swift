// Deep and long input through the language: lists nest as deep as the docs say and no deeper,
// a long flat chain of operators is not nesting, and nothing of either kind crashes the process.
import Bindings
@testable import Script
import Testing

@Suite struct NestingTests {
    /// A list literal nested `levels` deep: `[[[]]]` for 3.
    func nestedLiteral(_ levels: Int) -> String {
        String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
    }

    @Test func listLiteralsNestAsDeepAsDocumented() {
        #expect(run("x = \(nestedLiteral(100))\nprint(len(x))").output == "1\n")
        #expect(run("x = \(nestedLiteral(101))").error?.contains("nesting too deep (more than 100 levels)") == true)
        // Brackets of any kind count once each: 50 calls around 50 lists is 100 levels.
        let mixed = String(repeating: "f(", count: 50) + nestedLiteral(50) + String(repeating: ")", count: 50)
        #expect(run("def f(x) return x end\nx = \(mixed)\nprint(len(x))").output == "1\n")
        #expect(run("def f(x) return x end\nx = f(\(mixed))").error?.contains("nesting too deep") == true)
        #expect(run("x = " + String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)).error == nil)
    }

    @Test func aListBuiltInALoopStopsAtTheLimitAndIsFreed() {
        // 100,000 levels used to overflow the stack while freeing the list (exit 139).
        let result = run("x = 1\nfor i in range(100000) x = [x] end")
        #expect(result.error?.contains("lists can nest at most 100 levels deep; this one would have 101") == true)
        let appended = run("x = 1\nfor i in range(100000) x = append([], x) end")
        #expect(appended.error?.contains("lists can nest at most 100 levels deep") == true)
        // The deepest list allowed prints in full.
        let deepest = run("x = 1\nfor i in range(99) x = [x] end\nprint(x)").output
        #expect(deepest == String(repeating: "[", count: 99) + "1" + String(repeating: "]", count: 99) + "\n")
    }

    @Test func sharedSublistsAreMeasuredOnce() {
        // 2^60 paths through the list, 61 levels: the check must not walk every path.
        #expect(run("x = []\nfor i in range(60) x = [x, x] end\nprint(len(x))").output == "2\n")
    }

    @Test func aLongFlatChainIsNotNesting() {
        let terms = Array(repeating: "1", count: 101)
        #expect(run("print(\(terms.joined(separator: " + ")))").output == "101\n")
        #expect(run("print(\(terms.joined(separator: " * ")))").output == "1\n")
        #expect(run("print(\(Array(repeating: "true", count: 101).joined(separator: " and ")))").output == "true\n")
        #expect(run("print(\(Array(repeating: "false", count: 101).joined(separator: " or ")))").output == "false\n")
        // Long runs (the executable was checked with 200,000 terms): parsed, evaluated and freed without deep recursion.
        let long = Array(repeating: "1", count: 30_000).joined(separator: "+")
        #expect(run("print(\(long))").output == "30000\n")
        #expect(run("print(" + Array(repeating: "1 < 2", count: 10_000).joined(separator: " and ") + ")").output == "true\n")
    }

    @Test func chainsKeepPrecedenceAssociativityAndShortCircuit() {
        #expect(run("print(10 - 3 - 2, 2 * 3 + 4 * 5, 100 / 10 / 5, 7 % 4 * 2)").output == "5 26 2 6\n")
        #expect(run("print(1 < 2 == true, 2 ** 3 ** 2, -2 ** 2)").output == "true 512 -4\n")
        #expect(run("print(0 or none or \"x\" or error(\"no\"), 1 and 0 and error(\"no\"))").output == "x 0\n")
        #expect(run("print(1 and 2 and 3, none or 0)").output == "3 0\n")
        #expect(run("print(1 and 2 or 3 and 4, not 1 or 2)").output == "2 2\n")
        // An error inside a chain points at its own operator.
        #expect(run("x = 1 + 2 + \"a\" + 4").error?.hasPrefix("test.dd:1:11: error: cannot apply '+' to number and string") == true)
    }

    @Test func aLongLineIsClippedAroundTheCaret() {
        let padding = String(repeating: "1 + ", count: 5_000)  // the executable checked with 10 MB too
        let result = run("x = " + padding + "\"a\" + " + padding + "1")
        let lines = result.error?.split(separator: "\n", omittingEmptySubsequences: false) ?? []
        #expect(lines.count == 3)
        guard lines.count == 3 else { return }
        #expect(lines[1].count < 200 && lines[1].hasPrefix("    …") && lines[1].hasSuffix("…"))
        // The caret is still under the operator that failed.
        let caret = lines[2].count - 1
        let at = lines[1].index(lines[1].startIndex, offsetBy: caret)
        #expect(lines[2].hasSuffix("^") && lines[1][at] == "+")
        #expect(lines[1][lines[1].index(after: at)...].hasPrefix(" \"a\" + 1 + 1"))
        #expect(lines[1][..<at].hasSuffix("1 + 1 "))
    }

    @Test func aShortLineIsShownWhole() {
        #expect(Diagnostic.clip("x = 1", around: 3) == ("x = 1", 3))
        let long = String(repeating: "a", count: 100) + "^" + String(repeating: "b", count: 100)
        let (text, column) = Diagnostic.clip(long, around: 101)
        #expect(text == "…" + String(repeating: "a", count: 80) + "^" + String(repeating: "b", count: 79) + "…")
        #expect(Array(text)[column - 1] == "^")
        let start = Diagnostic.clip("^" + String(repeating: "b", count: 200), around: 1)
        #expect(start.text.hasPrefix("^b") && start.text.hasSuffix("…") && start.column == 1)
    }
}

extension NestingTests {
    @Test func aListSharingItsPartsPrintsBounded() {
        // 2^40 leaves: the text stops after maxPrintedLength bytes, saying how many items were left.
        var x = Value.list([.number(1)])
        for _ in 0..<40 { x = try! Value.nestedList([x, x]) }
        let text = x.description
        #expect(text.utf8.count > Value.maxPrintedLength && text.utf8.count < Value.maxPrintedLength + 1000)
        #expect(text.hasSuffix("... (1 more)]"), "\(text.suffix(100))")
        #expect(run("x = [1]\nfor i in range(40) x = [x, x] end\nprint(len(str(x)) < 1049576)").output == "true\n")
    }
}

extension NestingTests {
    @Test func listsSharingTheirPartsCompareQuickly() {
        let code = "x = [1]\ny = [1]\nfor i in range(60) x = [x, x] end\nfor i in range(60) y = [y, y] end\n"
        #expect(run(code + "print(x == y, x == x, x != [x])").output == "true true true\n")
        #expect(run("n = number(\"nan\")\nprint([n] == [n], [1, [2]] == [1, [2]], [1, [2]] == [1, [3]])").output == "false true false\n")
    }
}
