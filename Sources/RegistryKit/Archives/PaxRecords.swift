/// The records of a pax extended header: `<length> <key>=<value>\n`, the length counting the whole record.
enum PaxRecords {
    /// The key-value pairs in order, or `nil` when a record is malformed.
    static func parse(_ content: [UInt8]) -> [(String, String)]? {
        var records: [(String, String)] = []
        var start = 0
        while start < content.count {
            // Zero padding may follow the last record.
            if content[start...].allSatisfy({ $0 == 0 }) { break }
            guard let space = content[start...].firstIndex(of: 0x20), space > start,
                let length = Int(String(decoding: content[start..<space], as: UTF8.self)),
                content[start..<space].allSatisfy({ (0x30...0x39).contains($0) }),
                length > space - start + 1, start + length <= content.count,
                content[start + length - 1] == 0x0a
            else { return nil }
            let record = content[(space + 1)..<(start + length - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
            let value = String(decoding: record[(equals + 1)...], as: UTF8.self)
            guard !key.isEmpty else { return nil }
            records.append((key, value))
            start += length
        }
        return records
    }
}
