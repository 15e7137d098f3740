/// A URL of the form `scheme://[user[:password]@]host[:port][/path]`, parsed strictly and without Foundation.
///
/// Enough for what the charm's options hold (registry and proxy addresses); queries and fragments are refused.
public struct ParsedURL: Sendable, Equatable {
    /// The URL exactly as given.
    public let text: String
    /// The scheme, lower-cased (`http`, `https`, …).
    public let scheme: String
    /// The user name, percent-decoded, if the URL carries credentials.
    public let user: String?
    /// The password, percent-decoded, if the URL carries one.
    public let password: String?
    /// The password exactly as written (still percent-encoded), if any.
    public let rawPassword: String?
    /// The host as written: a DNS name, an IPv4 address or a bracketed IPv6 address.
    public let host: String
    /// The port, if given.
    public let port: Int?
    /// The path, "" or starting with `/`.
    public let path: String

    /// `host[:port]`, the network location without credentials.
    public var hostAndPort: String {
        port.map { "\(host):\($0)" } ?? host
    }

    /// The host without IPv6 brackets.
    public var hostname: String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// Parses `text`; `defaultScheme` is assumed when the text has no `scheme://` (as Go does for proxy URLs).
    public static func parse(_ text: String, defaultScheme: String? = nil) throws(URLParseError) -> ParsedURL {
        guard !text.isEmpty else { throw .empty }
        if let bad = text.unicodeScalars.first(where: { $0.value <= 0x20 || $0.value >= 0x7F }) {
            throw bad == " " || bad == "\t" || bad == "\n" || bad == "\r" ? .whitespace : .invalidCharacter
        }
        var rest = Substring(text)
        let scheme: String
        if let range = rest.firstRange(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
            guard let first = scheme.first, first.isLetter,
                scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
            else { throw .invalidScheme }
        } else if let defaultScheme {
            scheme = defaultScheme
        } else {
            throw .missingScheme
        }
        guard !rest.contains("?"), !rest.contains("#") else { throw .queryOrFragment }
        let authority: Substring
        let path: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[slash...]
        } else {
            authority = rest
            path = ""
        }
        var user: String?
        var password: String?
        var rawPassword: String?
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                user = try percentDecoded(userinfo[..<colon])
                rawPassword = String(userinfo[userinfo.index(after: colon)...])
                password = try percentDecoded(userinfo[userinfo.index(after: colon)...])
            } else {
                user = try percentDecoded(userinfo)
            }
        }
        let (host, port) = try splitHostPort(hostPort)
        return ParsedURL(
            text: text,
            scheme: scheme,
            user: user,
            password: password,
            rawPassword: rawPassword,
            host: host,
            port: port,
            path: String(path)
        )
    }

    private static func splitHostPort(_ text: Substring) throws(URLParseError) -> (String, Int?) {
        var host = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .invalidHost }
            host = text[...close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidHost }
                portText = after.dropFirst()
            }
            let inner = host.dropFirst().dropLast()
            guard HostAddress.isIPv6(inner) else { throw .invalidHost }
        } else {
            if let colon = text.lastIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            }
            guard !host.isEmpty else { throw .missingHost }
            guard isValidHostname(host) else { throw .invalidHost }
        }
        guard let portText else { return (String(host), nil) }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit), let port = Int(portText),
            (1...65535).contains(port)
        else { throw .invalidPort }
        return (String(host), port)
    }

    /// Whether `name` is a DNS name or IPv4 address, by the one check every host from outside passes
    /// (``HostAddress``), so an `http-host` the config accepts is one the docker trust accepts.
    static func isValidHostname(_ name: Substring) -> Bool {
        HostAddress.isName(name)
    }

    private static func percentDecoded(_ text: Substring) throws(URLParseError) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw .invalidPercentEncoding
            }
            bytes.append(high << 4 | low)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Why a URL option could not be parsed.
public enum URLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing was given.
    case empty
    /// The URL contains a space, tab or line break.
    case whitespace
    /// The URL contains a control or non-ASCII character.
    case invalidCharacter
    /// There is no `scheme://`.
    case missingScheme
    /// The scheme is not letters, digits, `+`, `-` and `.`.
    case invalidScheme
    /// There is no host after `scheme://`.
    case missingHost
    /// The host is not a DNS name, an IPv4 address or a bracketed IPv6 address.
    case invalidHost
    /// The port is not a number from 1 to 65535.
    case invalidPort
    /// A `%` is not followed by two hex digits.
    case invalidPercentEncoding
    /// The URL has a `?query` or `#fragment`.
    case queryOrFragment

    /// A lower-case reason.
    public var description: String {
        switch self {
        case .empty: return "the url is empty"
        case .whitespace: return "the url contains white space"
        case .invalidCharacter: return "the url contains a control or non-ascii character"
        case .missingScheme: return "the url has no scheme (such as https://)"
        case .invalidScheme: return "the url's scheme is malformed"
        case .missingHost: return "the url has no host"
        case .invalidHost: return "the url's host is not a valid name or address"
        case .invalidPort: return "the url's port is not a number from 1 to 65535"
        case .invalidPercentEncoding: return "the url's credentials have a malformed %-escape"
        case .queryOrFragment: return "the url must not have a ?query or #fragment"
        }
    }
}

extension Character {
    /// Whether this is one of `0`…`9`.
    var isASCIIDigit: Bool { isASCII && isNumber }
}
