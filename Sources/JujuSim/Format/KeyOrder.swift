/// The field order of maps Go prints from structs (declaration order) rather than from maps (sorted keys).
struct KeyOrder: Sendable {
    /// The fields of the map at a path (the keys of the enclosing maps, outermost first; list items add nothing),
    /// nil where the map is a Go map and its keys are sorted.
    var fields: @Sendable ([String]) -> [String]?
    /// Struct fields holding Go `time.Time` values, which yaml.v2 writes plain (a string that looks like a time
    /// would be quoted).
    var timeFields: Set<String>

    /// An order given by a function of the path; `timeFields` name the fields holding times.
    init(timeFields: Set<String> = [], _ fields: @escaping @Sendable ([String]) -> [String]?) {
        self.fields = fields
        self.timeFields = timeFields
    }

    /// Whether the value of `key` in the map at `path` is a time, written plain in YAML.
    func isTime(_ key: String, at path: [String]) -> Bool {
        timeFields.contains(key) && fields(path) != nil
    }

    /// `keys` in this order at `path`: struct fields first, in their order, then the rest as `sorted` orders them.
    func arrange(_ keys: [String], at path: [String], sorted: (String, String) -> Bool) -> [String] {
        guard let fields = fields(path) else { return keys.sorted(by: sorted) }
        let known = fields.filter(keys.contains)
        return known + keys.filter { !fields.contains($0) }.sorted(by: sorted)
    }
}
