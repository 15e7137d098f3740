import JujuKit

/// One `-----BEGIN <label>-----` … `-----END <label>-----` block of a PEM file.
struct PEMBlock: Equatable {
    /// The label, such as `CERTIFICATE` or `RSA PRIVATE KEY`.
    var label: String
    /// The block's text from its BEGIN line to its END line, ready for a single-document PEM parser.
    var text: String

    /// The blocks of `text`, in order.
    ///
    /// Text outside blocks (comments, `Bag Attributes`) is skipped; a BEGIN without a matching END ends the scan.
    static func blocks(in text: String) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var label: String?
        var lines: [String] = []
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingWhitespace()
            if label == nil, let begin = Self.label(of: line, marker: "BEGIN") {
                label = begin
                lines = [line]
            } else if let current = label {
                lines.append(line)
                if Self.label(of: line, marker: "END") == current {
                    blocks.append(PEMBlock(label: current, text: lines.joined(separator: "\n") + "\n"))
                    label = nil
                }
            }
        }
        return blocks
    }

    private static func label(of line: String, marker: String) -> String? {
        let prefix = "-----\(marker) "
        guard line.hasPrefix(prefix), line.hasSuffix("-----"), line.count > prefix.count + 5 else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(5))
    }
}
