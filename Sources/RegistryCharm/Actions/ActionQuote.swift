/// How an action's failure sentence quotes what an operator passed: whole when short, else a bounded prefix and the
/// length, so a 10 kB parameter is never echoed back whole into `juju show-task` and the unit log.
enum ActionQuote {
    /// The most characters of a value a sentence quotes.
    static let limit = 64

    /// `'text'`, or `'<first 64 characters>…' (10240 characters)` when longer.
    static func quoted(_ text: String) -> String {
        guard text.count > limit else { return "'\(text)'" }
        return "'\(text.prefix(limit))…' (\(text.count) characters)"
    }

    /// `text` cut to `limit` characters (with `…` when cut), for values shown without quotes (a command's words).
    static func bounded(_ text: String, limit: Int = limit) -> String {
        text.count > limit ? "\(text.prefix(limit))…" : text
    }
}
