import SystemLibraries

/// Digests for container specs and their inputs.
public enum ContainerDigest {
    /// The lower-case hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hex(bytes)
    }

    /// A digest of the files the registry reads only at start, for ``ContainerSpec/inputsDigest``.
    ///
    /// Each input is a name (usually the path) and its content, `nil` for an absent file; the order does not matter.
    public static func inputs(_ inputs: [(name: String, content: [UInt8]?)], digest: ([UInt8]) -> String) -> String {
        let sorted = inputs.sorted { $0.name < $1.name }
        var bytes: [UInt8] = []
        for input in sorted {
            bytes += canonicalBytes([input.name])
            if let content = input.content {
                bytes += Array("present \(content.count)\u{0}".utf8) + content
            } else {
                bytes += Array("absent\u{0}".utf8)
            }
        }
        return digest(bytes)
    }

    /// The fields, each prefixed with its length, so that no two field lists give the same bytes.
    static func canonicalBytes(_ fields: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        for field in fields {
            let utf8 = Array(field.utf8)
            bytes += Array("\(utf8.count):".utf8) + utf8
        }
        return bytes
    }
}
