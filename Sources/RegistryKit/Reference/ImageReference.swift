/// A docker image reference, checked against distribution's reference grammar:
/// `[host[:port]/]path-component[/path-component…][:tag][@algorithm:hex]`.
public struct ImageReference: Sendable, Equatable, CustomStringConvertible {
    /// The registry host (and port), if the reference names one.
    public let domain: String?
    /// The repository path, such as `library/registry` or `registry`.
    public let path: String
    /// The tag, if any.
    public let tag: String?
    /// The digest (`sha256:…`), if any.
    public let digest: String?

    /// Creates a reference from parts already checked against the grammar.
    public init(domain: String?, path: String, tag: String?, digest: String?) {
        self.domain = domain
        self.path = path
        self.tag = tag
        self.digest = digest
    }

    /// The reference as docker prints it.
    public var description: String {
        (domain.map { $0 + "/" } ?? "") + path + (tag.map { ":" + $0 } ?? "") + (digest.map { "@" + $0 } ?? "")
    }

    /// Parses and validates `text`.
    public static func parse(_ text: String) throws(ImageReferenceError) -> ImageReference {
        guard !text.isEmpty else { throw .empty }
        var rest = Substring(text)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
            guard let digest, isValidDigest(digest) else { throw .invalidDigest }
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
            guard let tag, isValidTag(tag) else { throw .invalidTag }
        }
        var components = rest.split(separator: "/", omittingEmptySubsequences: false)
        var domain: String?
        if components.count > 1, let first = components.first,
            first.contains(".") || first.contains(":") || first == "localhost" || first.contains(where: \.isUppercase)
        {
            guard isValidDomain(first) else { throw .invalidDomain }
            domain = String(first)
            components.removeFirst()
        }
        guard !components.isEmpty, components.allSatisfy(isValidPathComponent) else { throw .invalidPath }
        let path = components.joined(separator: "/")
        guard (domain.map { $0.count + 1 } ?? 0) + path.count <= 255 else { throw .nameTooLong }
        return ImageReference(domain: domain, path: path, tag: tag, digest: digest)
    }

    /// `[a-z0-9]+` separated by `.`, `_`, `__` or runs of `-`.
    public static func isValidPathComponent(_ component: Substring) -> Bool {
        let isAlnum: (Character) -> Bool = { $0.isASCII && ($0.isLowercase || $0.isNumber) }
        guard let first = component.first, let last = component.last, isAlnum(first), isAlnum(last) else {
            return false
        }
        var separator = ""
        for character in component {
            if isAlnum(character) {
                guard
                    separator.isEmpty || separator == "." || separator == "_" || separator == "__"
                        || separator.allSatisfy({ $0 == "-" })
                else { return false }
                separator = ""
            } else if ".-_".contains(character) {
                separator.append(character)
            } else {
                return false
            }
        }
        return true
    }

    /// `host[:port]` with a DNS host or a bracketed IPv6 address.
    public static func isValidDomain(_ domain: Substring) -> Bool {
        var host = domain
        if domain.hasPrefix("[") {
            guard let close = domain.firstIndex(of: "]") else { return false }
            host = domain[...close]
            let inner = host.dropFirst().dropLast()
            guard !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" }) else { return false }
            let after = domain[domain.index(after: close)...]
            return after.isEmpty || isValidPort(after)
        }
        if let colon = domain.lastIndex(of: ":") {
            host = domain[..<colon]
            guard isValidPort(domain[colon...]) else { return false }
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// `:` followed by digits.
    private static func isValidPort(_ text: Substring) -> Bool {
        text.count > 1 && text.first == ":" && text.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    public static func isValidTag(_ tag: String) -> Bool {
        let isWord: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        guard let first = tag.first, isWord(first), tag.count <= 128 else { return false }
        return tag.allSatisfy { isWord($0) || $0 == "." || $0 == "-" }
    }

    /// `sha256:` + 64, `sha384:` + 96 or `sha512:` + 128 lower-case hex digits.
    public static func isValidDigest(_ digest: String) -> Bool {
        let lengths = ["sha256": 64, "sha384": 96, "sha512": 128]
        let parts = digest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let length = lengths[String(parts[0])] else { return false }
        return parts[1].count == length && parts[1].allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}

/// Why an image reference is invalid.
public enum ImageReferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing was given.
    case empty
    /// The registry host or port is malformed.
    case invalidDomain
    /// A path component is empty or not lower-case letters and digits joined by `.`, `_`, `__` or `-`.
    case invalidPath
    /// The tag is not 1 to 128 of letters, digits, `_`, `.` and `-` (not starting with `.` or `-`).
    case invalidTag
    /// The digest is not `sha256:` followed by 64 lower-case hex digits (or sha384/sha512).
    case invalidDigest
    /// Host and path are longer than 255 characters.
    case nameTooLong

    /// A lower-case reason.
    public var description: String {
        switch self {
        case .empty: return "the image reference is empty"
        case .invalidDomain: return "the registry host or port is malformed"
        case .invalidPath:
            return "the repository path must be lower-case letters and digits, separated by '/', '.', '_' or '-'"
        case .invalidTag: return "the tag must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'"
        case .invalidDigest: return "the digest must be sha256: followed by 64 lower-case hex digits"
        case .nameTooLong: return "the image name is longer than 255 characters"
        }
    }
}
