/// The Swift driver's `authversion`, derived from `storage-swift-authurl`'s path.
///
/// The driver (ncw/swift) guesses the version from `v1`, `v2` or `v3` anywhere in the URL and refuses to start when
/// it finds none (`Can't find AuthVersion in AuthUrl`), which is the case for radosgw's and Swift's own
/// `/auth/1.0`. The charm therefore always states the version: `/auth/1.0`, `/auth/v1.0` or `/v1.0` → 1 (TempAuth and
/// radosgw), `/v2.0` → 2 (Keystone v2), `/v3` → 3 (Keystone v3), looked for as path segments.
public enum SwiftAuthVersion {
    /// The version for `path` (the URL's path, "" or starting with `/`), `nil` when it names none.
    public static func derive(fromPath path: String) -> Int? {
        let segments = path.lowercased().split(separator: "/").map(String.init)
        for (index, segment) in segments.enumerated().reversed() {
            switch segment {
            case "v3": return 3
            case "v2.0": return 2
            case "v1.0": return 1
            case "1.0" where index > 0 && segments[index - 1] == "auth": return 1
            default: continue
            }
        }
        return nil
    }

    /// What the operator must do when the URL names no version.
    static let advice =
        "names no auth version: end it with /auth/1.0 (radosgw, TempAuth), /v2.0 (Keystone v2) or /v3 (Keystone v3)"
}
