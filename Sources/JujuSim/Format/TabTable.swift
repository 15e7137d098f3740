/// Juju's tabular output (`output.TabWriter`: Go's tabwriter with padding 2, some columns aligned right).
///
/// Every header cell but the last ends with a tab, and every row cell does; as in Go's tabwriter, a cell that does
/// not end with a tab (the last header cell) neither widens its column nor gets padded.
enum TabTable {
    /// The table text: the header line, then one line per row.
    static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
        let columns = max(header.count, rows.map(\.count).max() ?? 0)
        var widths = Array(repeating: 0, count: columns)
        for (index, cell) in header.enumerated() where index < header.count - 1 {
            widths[index] = max(widths[index], cell.count)
        }
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func cell(_ text: String, _ column: Int, terminated: Bool) -> String {
            guard terminated else { return text }
            let fill = String(repeating: " ", count: widths[column] - text.count)
            return (rightAligned.contains(column) ? fill + text : text + fill) + "  "
        }
        var output = ""
        for (index, text) in header.enumerated() {
            output += cell(text, index, terminated: index < header.count - 1)
        }
        output += "\n"
        for row in rows {
            for (index, text) in row.enumerated() { output += cell(text, index, terminated: true) }
            output += "\n"
        }
        return output
    }
}
