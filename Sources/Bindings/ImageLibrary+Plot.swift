// The `plot` builtin: line plots of lists, 1-D tensors or several series (rows of a 2-D tensor,
// lists of lists) written straight to PNG through ImageIO.LinePlot. Argument checks only.
import ImageIO
import Script
import TensorCore

extension ImageLibrary {
    static var plot: Builtin {
        Builtin("plot", parameters: [.required("y"), .optional("path"), .named("x"), .named("title"), .named("xlabel"), .named("ylabel"),
                                     .named("series"), .named("labels"), .named("logy", default: .bool(false)),
                                     .named("width", default: .number(800)), .named("height", default: .number(500))],
                help: "Writes a line plot as a PNG and prints what it wrote. `y` is a list of numbers or a 1-D tensor (one line), or a list of such lists or a 2-D tensor (one line per item or row); `y` may be none when `series` gives the lines. `series` adds more lines (a list of lists or tensors); `labels` names every line in order for the legend; `x` gives the x values shared by all lines (default 0, 1, 2, ...), or a list of such lists, one per line, for lines measured at different points. `title`, `xlabel`, `ylabel` label the plot; `logy=true` makes the y axis logarithmic (points at or below 0 are skipped); `width` and `height` are in pixels. Without `path`, the picture goes to the notebook's picture folder (or the current folder) as plot_1.png, plot_2.png, ...",
                example: "loss = [2.3, 1.2, 0.8, 0.6, 0.5]\nplot(loss, \"out/loss.png\", title=\"loss\", xlabel=\"iteration\")   # wrote out/loss.png (1 series, 800x500 px)\nplot([loss, [2.0, 1.5, 1.1, 0.9, 0.8]], \"out/two.png\", labels=[\"dm\", \"dc\"], logy=true)") { args, context in
            var lines: [[Double]] = []
            if case .none = args.value(0) {
                guard args.isGiven("series") else { throw args.error(0, "nothing to plot: y is none and no series= was given") }
            } else {
                lines = try seriesList(args, 0, allowNested: true)
            }
            if case .none = args.value("series") {} else {
                lines += try seriesList(args, args.index("series"), allowNested: false, outerList: true)
            }
            guard !lines.isEmpty else { throw args.error(0, "nothing to plot: no series") }

            // x: one list shared by every line, or one list per line.
            var xs: [[Double]?] = Array(repeating: nil, count: lines.count)
            if case .none = args.value("x") {} else {
                let given = try seriesList(args, args.index("x"), allowNested: true)
                if given.count == 1 {
                    xs = Array(repeating: given[0], count: lines.count)
                } else {
                    guard given.count == lines.count else {
                        throw args.error(args.index("x"), "x must be one list shared by every line or one list per line: \(given.count) lists for \(lines.count) line\(lines.count == 1 ? "" : "s")")
                    }
                    xs = given
                }
            }
            var labels: [String?] = Array(repeating: nil, count: lines.count)
            if case .none = args.value("labels") {} else {
                let i = args.index("labels")
                let items = try args.list(i)
                guard items.count == lines.count else {
                    throw args.error(i, "\(items.count) labels for \(lines.count) line\(lines.count == 1 ? "" : "s")")
                }
                labels = try items.map {
                    guard case .string(let s) = $0 else { throw args.error(i, "labels must be strings, got \(Arguments.describe($0))") }
                    return s
                }
            }
            var chart = LinePlot(lines.indices.map { PlotSeries(lines[$0], x: xs[$0], label: labels[$0]) },
                                 title: try args.optionalString("title"), xLabel: try args.optionalString("xlabel"),
                                 yLabel: try args.optionalString("ylabel"), logY: try args.bool("logy"))
            chart.width = try args.integer("width")
            chart.height = try args.integer("height")
            let path = try picturePath(args, 1, kind: "plot", context)
            return report(try chart.write(to: path), context)
        }
    }

    /// Lines from parameter `i`: numbers or a 1-D tensor make one line; with `allowNested`, a
    /// list of lists/tensors or a 2-D tensor makes several. `outerList` demands the list form.
    static func seriesList(_ args: Arguments, _ i: Int, allowNested: Bool, outerList: Bool = false) throws -> [[Double]] {
        func line(_ v: Value, item: Int?) throws -> [Double]? {
            switch v {
            case .host(let object as TensorObject) where object.tensor.rank <= 1:
                return object.tensor.data.map(Double.init)
            case .list(let items):
                var out: [Double] = []
                out.reserveCapacity(items.count)
                for (k, value) in items.enumerated() {
                    guard case .number(let n) = value else {
                        switch value {
                        case .list, .host: if item == nil, allowNested { return nil }
                        default: break
                        }
                        let where_ = item.map { "line \($0 + 1), item \(k + 1)" } ?? "item \(k + 1)"
                        throw args.error(i, "numbers expected, \(where_) is \(Arguments.describe(value))")
                    }
                    out.append(n)
                }
                return out
            default:
                return nil
            }
        }
        let value = args.value(i)
        if !outerList, let single = try line(value, item: nil) { return [single] }
        if case .host(let object as TensorObject) = value, object.tensor.rank == 2, allowNested {
            let t = object.tensor
            let (rows, cols) = (t.shape[0], t.shape[1])
            return (0..<rows).map { r in (0..<cols).map { Double(t.data[r * cols + $0]) } }
        }
        if (allowNested || outerList), case .list(let items) = value {
            return try items.enumerated().map { k, item in
                guard let l = try line(item, item: k) else {
                    throw args.error(i, "line \(k + 1) must be a list of numbers or a 1-D tensor, got \(Arguments.describe(item))")
                }
                return l
            }
        }
        let expected = allowNested ? "list of numbers, 1-D tensor, or list of such" : outerList ? "list of lists of numbers or tensors" : "list of numbers or 1-D tensor"
        throw args.typeError(i, expected: expected)
    }
}
