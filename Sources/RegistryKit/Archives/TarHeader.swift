/// One 512-byte tar header, checked: its checksum, its numbers (octal or GNU base-256) and its names.
struct TarHeader {
    /// The name, with the ustar prefix when there is one.
    let name: String
    /// The link target.
    let linkName: String
    /// The content length the header gives.
    let size: Int
    /// The type flag (`0`, `5`, `L`, `x`, …).
    let type: UInt8

    init(_ block: [UInt8], at offset: Int, path: String) throws(MirrorError) {
        func malformed(_ field: String) -> MirrorError {
            .archive(path: path, reason: "the header at offset \(offset) has a malformed \(field) field")
        }
        guard let checksum = Self.number(block[148..<156]) else { throw malformed("checksum") }
        var unsigned = 0
        var signed = 0
        for (position, byte) in block.enumerated() {
            let value = (148..<156).contains(position) ? 0x20 : byte
            unsigned += Int(value)
            signed += Int(Int8(bitPattern: value))
        }
        guard checksum == unsigned || checksum == signed else {
            throw .archive(
                path: path,
                reason: "the header at offset \(offset) has a wrong checksum (is it a tar file, uncompressed?)"
            )
        }
        guard let size = Self.number(block[124..<136]) else { throw malformed("size") }
        let magic = Array(block[257..<263])
        let isPOSIX = magic == Array("ustar".utf8) + [0]
        let base = Self.text(block[0..<100])
        let prefix = isPOSIX ? Self.text(block[345..<500]) : ""
        self.name = prefix.isEmpty ? base : prefix + "/" + base
        self.linkName = Self.text(block[157..<257])
        self.size = size
        self.type = block[156]
    }

    /// A NUL-terminated field as text.
    static func text(_ field: ArraySlice<UInt8>) -> String {
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[field.startIndex..<end], as: UTF8.self)
    }

    /// An octal number (space or NUL padded) or a GNU base-256 one (high bit set); `nil` when malformed or negative.
    static func number(_ field: ArraySlice<UInt8>) -> Int? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            guard first & 0x40 == 0 else { return nil }
            var value = Int(first & 0x3f)
            for byte in field.dropFirst() {
                guard value <= (Int.max >> 8) else { return nil }
                value = value << 8 | Int(byte)
            }
            return value
        }
        var digits = field.drop { $0 == 0x20 }
        while let last = digits.last, last == 0 || last == 0x20 { digits = digits.dropLast() }
        if let end = digits.firstIndex(of: 0) { digits = digits[digits.startIndex..<end] }
        var value = 0
        for digit in digits {
            guard (0x30...0x37).contains(digit), value <= (Int.max >> 3) else { return nil }
            value = value << 3 | Int(digit - 0x30)
        }
        return value
    }
}
