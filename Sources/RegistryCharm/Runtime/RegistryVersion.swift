import JujuKit

/// The version of distribution an image runs, as `registry --version` reports it.
///
/// The official images print `registry github.com/docker/distribution v2.8.3` or
/// `registry github.com/distribution/distribution/v3 v3.1.1`; Debian's binary prints
/// `docker-registry github.com/docker/distribution 2.8.2+ds1`.
public struct RegistryVersion: Sendable, Equatable, CustomStringConvertible {
    /// The version as shown to operators (the workload version): `3.1.1`, `2.8.2+ds1`.
    public var text: String
    /// The major version: 2 or 3 (the charm renders `config.yml` for it).
    public var major: Int

    /// Creates a version.
    public init(text: String, major: Int) {
        self.text = text
        self.major = major
    }

    /// The majors whose configuration the charm knows.
    public static let knownMajors: ClosedRange<Int> = 2...3

    /// `text`.
    public var description: String { text }

    /// Whether this registry is distribution v3 or later (the registry:3 image).
    public var isV3: Bool { major >= 3 }

    /// Reads `registry --version` output; `nil` when it is not that command's answer.
    ///
    /// The major comes from the module path (`…/distribution/v3`) when it names one, else from the version.
    public static func parse(_ output: String) -> RegistryVersion? {
        let lines = output.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }
        guard let line = lines.first(where: { !$0.isEmpty }) else { return nil }
        let words = line.split(separator: " ").map(String.init)
        guard words.count >= 2, words.count <= 4, let last = words.last, words.contains(where: { $0.contains("/") })
        else { return nil }
        var text = last
        if text.hasPrefix("v") { text.removeFirst() }
        guard let first = text.first, first.isASCIIDigit, text.count <= 64,
            text.allSatisfy({ $0.isASCIIDigit || $0.isLetter || "+-.~_".contains($0) })
        else { return nil }
        var major = Int(text.prefix { $0.isASCIIDigit }) ?? 0
        if let module = words.first(where: { $0.contains("/") }), let suffix = module.split(separator: "/").last,
            suffix.hasPrefix("v"), let fromModule = Int(suffix.dropFirst())
        {
            major = fromModule
        }
        return RegistryVersion(text: text, major: major)
    }
}
