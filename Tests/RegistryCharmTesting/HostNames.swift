/// Host names for tests of the address checks.
public enum HostNames {
    /// A DNS name of `length` characters made of 63-character labels (the last one shorter).
    public static func name(length: Int) -> String {
        var labels: [String] = []
        var left = length
        while left > 0 {
            let size = min(63, left)
            labels.append(String(repeating: "a", count: size))
            left -= size + 1
        }
        return labels.joined(separator: ".")
    }
}
