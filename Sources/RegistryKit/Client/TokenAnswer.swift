import FoundationEssentials

/// A token service's answer: `{"token": "…"}` or, OAuth2-style, `{"access_token": "…"}`.
enum TokenAnswer {
    private struct Fields: Decodable {
        var token: String?
        var access_token: String?
    }

    /// The token in `body`, or `nil`.
    static func token(in body: [UInt8]) -> String? {
        guard let fields = try? JSONDecoder().decode(Fields.self, from: Data(body)) else { return nil }
        let token = fields.token ?? fields.access_token
        return token?.isEmpty == false ? token : nil
    }
}
