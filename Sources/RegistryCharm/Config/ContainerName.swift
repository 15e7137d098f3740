/// Docker's rule for container names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
public enum ContainerName {
    /// Whether docker accepts `name` as a container name (at least two characters, no leading `/`).
    public static func isValid(_ name: String) -> Bool {
        let isAlnum: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard name.count >= 2, let first = name.first, isAlnum(first) else { return false }
        return name.allSatisfy { isAlnum($0) || $0 == "_" || $0 == "." || $0 == "-" }
    }
}
