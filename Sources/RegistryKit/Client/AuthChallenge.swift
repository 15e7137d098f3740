/// A `WWW-Authenticate` challenge: `Basic realm="…"` or `Bearer realm="…",service="…",scope="…"`.
public struct AuthChallenge: Sendable, Equatable {
    /// `basic` or `bearer`, lower-case.
    public var scheme: String
    /// The parameters by lower-case name.
    public var parameters: [String: String]

    /// Reads the first challenge of a header value; `nil` when there is none.
    public init?(header: String) {
        var text = Substring(header).drop(while: { $0 == " " })
        guard let space = text.firstIndex(of: " ") else {
            guard !text.isEmpty else { return nil }
            scheme = text.lowercased()
            parameters = [:]
            return
        }
        scheme = text[..<space].lowercased()
        text = text[text.index(after: space)...]
        var parameters: [String: String] = [:]
        while !text.isEmpty {
            text = text.drop(while: { $0 == " " || $0 == "," })
            guard let equals = text.firstIndex(of: "=") else { break }
            let name = text[..<equals].trimmingCharacters().lowercased()
            text = text[text.index(after: equals)...]
            var value = ""
            if text.first == "\"" {
                text = text.dropFirst()
                var escaped = false
                while let character = text.first {
                    text = text.dropFirst()
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        value.append(character)
                    }
                }
            } else {
                let end = text.firstIndex(of: ",") ?? text.endIndex
                value = String(text[..<end]).trimmingSpaces()
                text = text[end...]
            }
            // A second challenge (`, Basic realm=…`) starts with a token without `=` before a space: stop there.
            parameters[name] = value
            if let next = text.drop(while: { $0 == " " || $0 == "," }).first, next.isUppercase,
                text.drop(while: { $0 == " " || $0 == "," }).prefix(while: { $0 != "=" }).contains(" ")
            {
                break
            }
        }
        self.parameters = parameters
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String { String(self).trimmingSpaces() }
}
