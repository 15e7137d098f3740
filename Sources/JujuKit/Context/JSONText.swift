public import FoundationEssentials

/// Compact JSON with sorted keys and `/` not escaped: deterministic (equal values give equal bytes, for digests),
/// readable by Go's YAML parser on the other side of a hook tool, and what the reactive interfaces' `json.dumps`
/// writes into relation data.
public enum JSONText {
    /// `value` as JSON bytes.
    public static func data(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// `value` as JSON text; `null` if it cannot be encoded.
    public static func encode(_ value: some Encodable) -> String {
        (try? data(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
