// WrittenPicture: what every picture writer returns (grid, plot), so front ends can report and
// link pictures without knowing which builder made them. No I/O here.

/// A picture file that was just written: where it is and how big it is.
///
/// `ImageGrid.Result` and `LinePlot.Result` conform; the REPL prints `description`
/// (`wrote out/x.png (10 x 10 images, 1138x1138 px)`) and a notebook links `path`.
public protocol WrittenPicture: CustomStringConvertible, Sendable {
    /// The path the picture was written to, as given by the caller.
    var path: String { get }
    /// Width in pixels.
    var width: Int { get }
    /// Height in pixels.
    var height: Int { get }
}

extension ImageGrid.Result: WrittenPicture {}
extension LinePlot.Result: WrittenPicture {}
