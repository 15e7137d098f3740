import FoundationEssentials

/// One page of `GET /v2/_catalog`.
public struct CatalogPage: Decodable, Sendable {
    /// The repositories of the page.
    public var repositories: [String]?

    /// The page in `body`, or `nil` when it is not one.
    public static func read(_ body: [UInt8]) -> CatalogPage? {
        try? JSONDecoder().decode(CatalogPage.self, from: Data(body))
    }
}

/// One page of `GET /v2/<name>/tags/list`.
public struct TagListPage: Decodable, Sendable {
    /// The tags of the page (`null` when the repository has none left).
    public var tags: [String]?

    /// The page in `body`, or `nil` when it is not one.
    public static func read(_ body: [UInt8]) -> TagListPage? {
        try? JSONDecoder().decode(TagListPage.self, from: Data(body))
    }
}

/// The fields of an image configuration the charm reads.
public struct ImageConfiguration: Decodable, Sendable {
    /// When the image was built (RFC 3339), if it says.
    public var created: String?

    /// The configuration in `body`, or `nil` when it is not a JSON object.
    public static func read(_ body: [UInt8]) -> ImageConfiguration? {
        try? JSONDecoder().decode(ImageConfiguration.self, from: Data(body))
    }
}
