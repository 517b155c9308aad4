// Fuzz target `notebook`: Markdown through the notebook parser and renderer (cells are not run).
import Notebook

enum NotebookHarness {
    static let target = FuzzTarget(
        name: "notebook", summary: "notebook Markdown: parse and render", maxLength: 2048, run: run, seeds: { [] })

    static func run(_ input: [UInt8]) {
        let doc = NotebookDocument.parse(String(decoding: input, as: UTF8.self), stem: "fuzz")
        let text = doc.render()
        _ = NotebookDocument.parse(text, stem: "fuzz").cells.count
    }
}
