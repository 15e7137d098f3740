/// The `Link` header of a paginated list (`_catalog`, `tags/list`).
public enum LinkHeader {
    /// The next page's path of `Link: </v2/_catalog?last=x&n=100>; rel="next"`; `nil` without one, or when it
    /// leaves `/v2/`.
    public static func nextPage(_ link: String?) -> String? {
        guard let link, link.contains("rel=\"next\""), let open = link.firstIndex(of: "<"),
            let close = link[open...].firstIndex(of: ">")
        else { return nil }
        let target = String(link[link.index(after: open)..<close])
        return target.hasPrefix("/v2/") ? target : nil
    }
}
