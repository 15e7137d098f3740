public import FoundationEssentials

/// What is wrong with a certificate, its key or a CA bundle.
///
/// Messages are lower-case sentences naming the file and the problem; they never quote key material.
public enum TLSError: Error, Equatable, CustomStringConvertible {
    /// The certificate text holds no `BEGIN CERTIFICATE` block.
    case noCertificate
    /// Certificate `index` (1 = the first) of the certificate file cannot be parsed.
    case unreadableCertificate(index: Int)
    /// The key text holds no `BEGIN … PRIVATE KEY` block.
    case noKey
    /// The key is encrypted with a passphrase.
    case encryptedKey
    /// The key block cannot be parsed (unsupported type, or an RSA key shorter than 2048 bits).
    case unreadableKey(label: String)
    /// The key belongs to none of the certificates.
    case keyMismatch
    /// The key belongs to certificate `index` of the chain, not the first one.
    case keyMatchesLaterCertificate(index: Int)
    /// The leaf certificate's validity period has not begun.
    case notYetValid(notBefore: Date)
    /// The leaf certificate's validity period has ended.
    case expired(notAfter: Date)
    /// The CA text holds no `BEGIN CERTIFICATE` block.
    case noCACertificate
    /// Certificate `index` of the CA bundle cannot be parsed.
    case unreadableCACertificate(index: Int)

    /// A lower-case sentence naming what is wrong.
    public var description: String {
        switch self {
        case .noCertificate:
            return "the certificate holds no PEM certificate (BEGIN CERTIFICATE)"
        case .unreadableCertificate(let index):
            return "certificate \(index) of the certificate file cannot be parsed"
        case .noKey:
            return "the key holds no PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)"
        case .encryptedKey:
            return "the key is encrypted; the registry needs an unencrypted key"
        case .unreadableKey(let label):
            return "the key (\(label)) cannot be parsed; RSA keys need at least 2048 bits"
        case .keyMismatch:
            return "the key does not match the certificate"
        case .keyMatchesLaterCertificate(let index):
            return "the key matches certificate \(index) of the chain, not the first: put the server certificate first"
        case .notYetValid(let notBefore):
            return "the certificate is not valid before \(UTCTime.format(notBefore))"
        case .expired(let notAfter):
            return "the certificate expired on \(UTCTime.format(notAfter))"
        case .noCACertificate:
            return "the CA holds no PEM certificate (BEGIN CERTIFICATE)"
        case .unreadableCACertificate(let index):
            return "certificate \(index) of the CA cannot be parsed"
        }
    }
}
