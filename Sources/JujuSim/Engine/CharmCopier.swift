import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Copies a charm directory into a unit's agent directory, honouring simple `.jujuignore` rules.
enum CharmCopier {
    private static let alwaysIgnored = [".git", ".svn", ".hg", ".bzr", ".tox", ".build*", ".swiftpm", ".charm-sim"]

    /// Replaces `destination` with a copy of `source`, never descending into `excluding` (the state directory).
    static func copy(from source: String, to destination: String, excluding: [String] = []) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: source, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SimError("charm directory \(source) does not exist")
        }
        guard manager.fileExists(atPath: source + "/metadata.yaml") else {
            throw SimError("charm missing from disk: no metadata.yaml in \(source)")
        }
        try? manager.removeItem(atPath: destination)
        try manager.createDirectory(atPath: destination, withIntermediateDirectories: true)
        var patterns = alwaysIgnored
        if let data = manager.contents(atPath: source + "/.jujuignore") {
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                let trimmed = String(line).trimmingSpaces()
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                patterns.append(trimmed)
            }
        }
        try copyTree(
            source: source,
            destination: destination,
            relative: "",
            patterns: patterns,
            excluding: Set(excluding + [destination])
        )
    }

    /// Whether `relative` is ignored: as in `.gitignore`, the last matching pattern decides, and a pattern
    /// starting with `!` re-includes what an earlier one ignored.
    private static func ignored(_ relative: String, name: String, isDirectory: Bool, patterns: [String]) -> Bool {
        var verdict = false
        for var pattern in patterns {
            let negated = pattern.hasPrefix("!")
            if negated { pattern.removeFirst() }
            if pattern.hasSuffix("/") {
                guard isDirectory else { continue }
                pattern.removeLast()
            }
            let matches: Bool
            if pattern.hasPrefix("/") {
                matches = fnmatch(String(pattern.dropFirst()), relative, 0) == 0
            } else if pattern.contains("/") {
                matches = fnmatch(pattern, relative, 0) == 0
            } else {
                matches = fnmatch(pattern, name, 0) == 0
            }
            if matches { verdict = !negated }
        }
        return verdict
    }

    private static func copyTree(
        source: String,
        destination: String,
        relative: String,
        patterns: [String],
        excluding: Set<String>
    ) throws {
        let manager = FileManager.default
        for name in try manager.contentsOfDirectory(atPath: source).sorted() {
            let from = source + "/" + name
            let to = destination + "/" + name
            let path = relative.isEmpty ? name : relative + "/" + name
            if excluding.contains((from as NSString).standardizingPath) { continue }
            var info = stat()
            guard lstat(from, &info) == 0 else { continue }
            let kind = info.st_mode & S_IFMT
            if ignored(path, name: name, isDirectory: kind == S_IFDIR, patterns: patterns) { continue }
            if kind == S_IFLNK {
                let target = try manager.destinationOfSymbolicLink(atPath: from)
                try manager.createSymbolicLink(atPath: to, withDestinationPath: target)
            } else if kind == S_IFDIR {
                try manager.createDirectory(atPath: to, withIntermediateDirectories: true)
                try copyTree(source: from, destination: to, relative: path, patterns: patterns, excluding: excluding)
            } else if kind == S_IFREG {
                try manager.copyItem(atPath: from, toPath: to)
                chmod(to, info.st_mode & 0o7777)
            }
        }
    }
}
