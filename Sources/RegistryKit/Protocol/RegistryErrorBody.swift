import FoundationEssentials

/// A registry's error body: `{"errors": [{"code": …, "message": …}, …]}`.
public enum RegistryErrorBody {
    private struct Body: Decodable {
        struct Entry: Decodable {
            var code: String?
            var message: String?
        }
        var errors: [Entry]?
    }

    /// The first error's code and message, lower-case (`manifest_unknown: manifest unknown`); empty when the body
    /// is anything else.
    public static func message(_ body: [UInt8]) -> String {
        guard let entry = (try? JSONDecoder().decode(Body.self, from: Data(body)))?.errors?.first else { return "" }
        return [entry.code, entry.message].compactMap { $0 }.joined(separator: ": ").lowercased()
    }
}
