/// The images a `mirror` action's `file=` names: a plain list, or Charmed Kubernetes' `container-images.txt`.
///
/// A plain list has references separated by spaces or lines. A keyed list has lines `<key>: <ref> <ref> …`
/// (`v1.31-static: rocks.canonical.com/cdk/pause:3.10 …`); a line is keyed when its first word ends with `:` and
/// holds no `/` (no reference ends with `:`, so `localhost:5000/pause:3.10` never looks like a key). `#` starts a
/// comment in both; blank lines are skipped.
///
/// In a keyed list, `keys` picks the lines (in the order of `keys`; none picks every line) and
/// `{{ arch }}` is expanded once per architecture of `arches`; `{{ multiarch_workaround }}` is removed. Each
/// reference is checked; one naming the same image as an earlier one (`nginx:1` and `docker.io/library/nginx:1`)
/// is dropped.
public struct ImageList {
    /// The references `text` names, in order, placeholders expanded and duplicates dropped.
    public static func parse(_ text: String, keys: [String], arches: [String]) throws(ImageListError) -> [String] {
        let lines = ListLine.read(text)
        let keyed = lines.contains { $0.key != nil }
        var chosen: [ListLine] = []
        if keyed {
            if let unkeyed = lines.first(where: { $0.key == nil }) { throw .missingKey(line: unkeyed.number) }
            let available = unique(lines.compactMap(\.key))
            for key in unique(keys) {
                guard available.contains(key) else { throw .unknownKey(key, available: available) }
                chosen += lines.filter { $0.key == key }
            }
            if keys.isEmpty { chosen = lines }
        } else {
            guard keys.isEmpty else { throw .keysWithoutKeyedLines(keys: keys) }
            chosen = lines
        }
        var seen: Set<SourceImage> = []
        var references: [String] = []
        for line in chosen {
            for word in try line.words() {
                for reference in try expand(word, arches: unique(arches), line: line.number) {
                    let image: SourceImage
                    do {
                        image = try SourceImage(parsing: reference)
                    } catch {
                        throw .invalidReference(line: line.number, reference: reference, reason: error)
                    }
                    if seen.insert(image).inserted { references.append(reference) }
                }
            }
        }
        return references
    }

    /// `word` with `{{arch}}` once per architecture and `{{multiarch_workaround}}` removed.
    private static func expand(_ word: String, arches: [String], line: Int) throws(ImageListError) -> [String] {
        let plain = word.replacing(ListLine.multiarch, with: "")
        guard plain.contains(ListLine.arch) else { return [plain] }
        guard !arches.isEmpty else { throw .noArchitectures(line: line) }
        return arches.map { plain.replacing(ListLine.arch, with: $0) }
    }

    private static func unique(_ items: [String]) -> [String] {
        var seen: Set<String> = []
        return items.filter { seen.insert($0).inserted }
    }
}

/// One line of an image list with something on it: its key, if any, and the rest, comment removed.
struct ListLine {
    static let arch = "{{arch}}"
    static let multiarch = "{{multiarch_workaround}}"

    /// The line number, from 1.
    var number: Int
    /// The key before `: `, if any.
    var key: String?
    /// What follows the key.
    var rest: Substring

    /// The lines of `text` that hold a key or words.
    static func read(_ text: String) -> [ListLine] {
        var lines: [ListLine] = []
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var rest = raw.prefix { $0 != "#" }.drop(while: isSpace)
            guard !rest.allSatisfy(isSpace) else { continue }
            let first = rest.prefix { !isSpace($0) }
            var key: String?
            if first.count > 1, first.hasSuffix(":"), !first.contains("/") {
                key = String(first.dropLast())
                rest = rest.dropFirst(first.count)
            }
            lines.append(ListLine(number: index + 1, key: key, rest: rest))
        }
        return lines
    }

    /// The references on the line, each placeholder written without spaces (`{{arch}}`); unknown or unclosed
    /// placeholders are refused.
    func words() throws(ImageListError) -> [String] {
        try Self.compactingPlaceholders(rest, line: number).split(whereSeparator: Self.isSpace).map(String.init)
    }

    private static func isSpace(_ character: Character) -> Bool {
        character == " " || character == "\t" || character == "\r"
    }

    /// `text` with each `{{ name }}` written `{{name}}`; unknown or unclosed placeholders are refused.
    private static func compactingPlaceholders(_ text: Substring, line: Int) throws(ImageListError) -> String {
        var result = ""
        var rest = text
        while let open = rest.firstRange(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                throw .unclosedPlaceholder(line: line)
            }
            let name = rest[open.upperBound..<close.lowerBound].split(whereSeparator: { $0 == " " || $0 == "\t" })
                .joined(separator: " ")
            guard name == "arch" || name == "multiarch_workaround" else {
                throw .unknownPlaceholder(line: line, name: name)
            }
            result += "{{\(name)}}"
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}
