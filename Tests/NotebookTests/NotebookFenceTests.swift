// Notebook fences follow CommonMark: tildes, longer fences, info strings, indentation up to 3
// spaces, CRLF, an unclosed last fence; what looks like a cell but is not run is warned about;
// re-rendering never rewrites what the user wrote.
import Bindings
import Foundation
import Notebook
import Script
import Testing

/// Runs `markdown` as a notebook file; returns the rewritten file, the log and the status.
func runNotebookText(_ markdown: String, check: Bool = false) throws -> (text: String, log: String, status: Int32) {
    let folder = try temporaryFolder()
    let path = folder + "/n.md"
    try Data(markdown.utf8).write(to: URL(fileURLWithPath: path))
    let log = OutputBuffer()
    let status = NotebookRunner(session: Session.standard(), log: log).runFile(path, check: check, outPath: nil)
    let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    return (text, log.text, status)
}

@Test(arguments: [
    ("~~~dd\n1 + 1\n~~~\n", "~~~dd\n1 + 1\n~~~\n\n```text\n2\n```\n"),
    ("````dd\n1 + 1\n````\n", "````dd\n1 + 1\n````\n\n```text\n2\n```\n"),
    ("```dd {.x}\n1 + 1\n```\n", "```dd {.x}\n1 + 1\n```\n\n```text\n2\n```\n"),
    ("```dd title=\"a b\"\n1 + 1\n```\n", "```dd title=\"a b\"\n1 + 1\n```\n\n```text\n2\n```\n"),
    ("  ```dd\n  1 + 1\n  ```\n", "  ```dd\n  1 + 1\n  ```\n\n  ```text\n  2\n  ```\n"),
    ("````dd\nprint(1)\n````\n", "````dd\nprint(1)\n````\n\n```text\n1\n```\n"),
    ("~~~dd\nx = 1\n~~~~~\n", "~~~dd\nx = 1\n~~~~~\n"),
])
func fencesOfEveryCommonMarkKindAreCells(_ markdown: String, _ expected: String) throws {
    let run = try runNotebookText(markdown)
    #expect(run.status == 0, "\(run.log)")
    #expect(run.text == expected)
    #expect(!run.log.contains("warning"), "\(run.log)")
    // The result parses back to the same cells and passes its check.
    #expect(try runNotebookText(expected, check: true).status == 0)
}

@Test func aShorterOrOtherFenceDoesNotCloseACell() {
    let doc = NotebookDocument.parse("````dd\n```\n~~~~\n ````\nprose\n", stem: "n")
    #expect(doc.cells.map(\.code) == ["```\n~~~~"])
    #expect(doc.parts.last == .prose(["prose"]))
    #expect(doc.render() == "````dd\n```\n~~~~\n ````\nprose\n")
}

@Test func crlfNotebooksRunAndStayCrlf() throws {
    let run = try runNotebookText("# T\r\n\r\n```dd\r\nx = 2\r\nx * 21\r\n```\r\n\r\nend\r\n")
    #expect(run.status == 0, "\(run.log)")
    #expect(run.text == "# T\r\n\r\n```dd\r\nx = 2\r\nx * 21\r\n```\r\n\r\n```text\r\n42\r\n```\r\n\r\nend\r\n")
    #expect(run.log.contains("ran 1 cells"))
    #expect(try runNotebookText(run.text, check: true).status == 0)
}

@Test func anEmptyCellAndAMissingLastNewlineAreKept() throws {
    let run = try runNotebookText("```dd\n```\n\nend")
    #expect(run.status == 0, "\(run.log)")
    #expect(run.text == "```dd\n```\n\nend")
    let doc = NotebookDocument.parse("```dd\n```\n", stem: "n")
    #expect(doc.cells.map(\.code) == [""])
    #expect(doc.render() == "```dd\n```\n")
}

@Test func anUnclosedLastFenceRunsToTheEndWithAWarning() throws {
    let run = try runNotebookText("intro\n\n```dd\nprint(5)\n")
    #expect(run.status == 0, "\(run.log)")
    #expect(run.log.contains("warning: line 3: this dd cell's fence is never closed; the cell runs to the end of the file"))
    // The output must not land inside the cell, so the fence gets closed.
    #expect(run.text == "intro\n\n```dd\nprint(5)\n```\n\n```text\n5\n```\n")
    // Without output, nothing is added.
    let quiet = try runNotebookText("```dd\nx = 1\n")
    #expect(quiet.text == "```dd\nx = 1\n")
}

@Test func thingsThatLookLikeCellsButAreNotRunAreWarnedAbout() throws {
    let run = try runNotebookText("""
    ```DD
    print("upper")
    ```

        ```dd
        print("indented")
        ```

    > ```dd
    > print("quoted")
    > ```

    ```{.dd}
    print("pandoc")
    ```

    ```dd
    print("run")
    ```

    """)
    #expect(run.status == 0, "\(run.log)")
    #expect(run.text.components(separatedBy: "```text").count == 2)
    #expect(run.text.contains("```text\nrun\n```"))
    #expect(run.log.contains("line 1: a fence with info string 'DD' is not a dd cell"))
    #expect(run.log.contains("line 5: a dd fence indented by 4 spaces is an indented code block"))
    #expect(run.log.contains("line 9: a dd fence inside a block quote or list item is not a cell"))
    #expect(run.log.contains("line 13: a fence with info string '{.dd}' is not a dd cell"))
}

@Test func aDdFenceQuotedInsideAnotherFenceIsProseWithoutAWarning() throws {
    let markdown = "````markdown\n```dd\nprint(1)\n```\n````\n"
    let run = try runNotebookText(markdown)
    #expect(run.text == markdown)
    #expect(!run.log.contains("line"), "\(run.log)")
    #expect(run.log.contains("no dd cells"))
}

@Test func anUnclosedOtherFenceThatHidesCellsIsWarnedAbout() throws {
    let run = try runNotebookText("```python\nx = 1\n\n```dd\nprint(1)\n")
    // CommonMark: the python block runs to the end, so the dd fence inside is content.
    #expect(run.log.contains("line 1: this fence is never closed, so the rest of the file is inside it"))
}

@Test func outputsThatLookLikeFencesRoundTrip() {
    var doc = NotebookDocument.parse("~~~dd\nprint(\"   ```\")\nprint(\"~~~\")\n~~~\n", stem: "f")
    doc = NotebookRunner(session: Session.standard(), log: OutputBuffer()).run(doc, path: "f.md").document
    let text = doc.render()
    #expect(text == "~~~dd\nprint(\"   ```\")\nprint(\"~~~\")\n~~~\n\n````text\n   ```\n~~~\n````\n")
    #expect(NotebookDocument.parse(text, stem: "f").cells.first?.output == "   ```\n~~~")
}

@Test func aBadToleranceSettingIsAnErrorBeforeAnythingRuns() throws {
    let run = try runNotebookText("```dd tolerance=lots\nprint(1)\n```\n")
    #expect(run.status == ExitStatus.syntax)
    #expect(run.log.contains("error: line 1: bad setting 'tolerance=lots' (expected tolerance=P% or a fraction below 1"))
    #expect(!run.text.contains("```text"))
}
