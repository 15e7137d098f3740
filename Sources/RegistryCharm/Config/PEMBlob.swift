import FoundationEssentials

/// What a base64 PEM option must hold.
public enum PEMContent: Sendable, Equatable {
    /// One or more `CERTIFICATE` blocks.
    case certificates
    /// A private key block (`PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`, …).
    case privateKey

    var noun: String {
        switch self {
        case .certificates: return "PEM certificate"
        case .privateKey: return "PEM private key"
        }
    }
}

/// Decodes the base64 blobs of `tls-*-blob` and `auth-token-root-certs` and checks they hold PEM.
public enum PEMBlob {
    /// The PEM bytes of `base64Text` (white space, as `base64` wraps lines, is ignored).
    public static func decode(_ base64Text: String, expecting content: PEMContent) throws(PEMBlobError) -> [UInt8] {
        let compact = String(base64Text.unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) })
        guard let data = Data(base64Encoded: compact) else { throw .notBase64 }
        let bytes = [UInt8](data)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notPEM(content) }
        let labels = beginLabels(in: text)
        switch content {
        case .certificates:
            guard !labels.isEmpty, labels.allSatisfy({ $0 == "CERTIFICATE" }) else { throw .notPEM(content) }
        case .privateKey:
            guard labels.count == 1, let label = labels.first, label.hasSuffix("PRIVATE KEY") else {
                throw .notPEM(content)
            }
        }
        let ends = text.split(whereSeparator: \.isNewline).filter { $0.trimmingWhitespace.hasPrefix("-----END ") }
        guard ends.count == labels.count else { throw .notPEM(content) }
        return bytes
    }

    /// The labels of the `-----BEGIN <label>-----` lines, in order.
    static func beginLabels(in text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            let trimmed = line.trimmingWhitespace
            guard trimmed.hasPrefix("-----BEGIN "), trimmed.hasSuffix("-----"), trimmed.count > 16 else { return nil }
            return String(trimmed.dropFirst(11).dropLast(5))
        }
    }
}

/// Why a base64 PEM option is unusable.
public enum PEMBlobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not base64.
    case notBase64
    /// The decoded bytes are not the expected PEM.
    case notPEM(PEMContent)

    /// A lower-case reason.
    public var description: String {
        switch self {
        case .notBase64: return "it is not valid base64"
        case .notPEM(.certificates): return "the decoded text is not PEM certificates (-----BEGIN CERTIFICATE-----)"
        case .notPEM(.privateKey):
            return "the decoded text is not one PEM private key (-----BEGIN … PRIVATE KEY-----)"
        }
    }
}
