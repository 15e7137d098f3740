/// Writes tar archives in memory, header by header, so tests can make what real tools write (ustar, GNU long
/// names, pax headers, base-256 sizes) and what they never should (bad checksums, cut-short members).
struct TarBuilder {
    enum Format {
        case posix
        case gnu
    }

    var bytes: [UInt8] = []

    /// A regular file.
    mutating func file(_ name: String, _ content: [UInt8], format: Format = .posix, base256Size: Bool = false) {
        append(header(name: name, size: content.count, type: "0", format: format, base256Size: base256Size))
        append(content, padded: true)
    }

    /// A regular file whose name does not fit the header: a GNU `L` entry first.
    mutating func gnuLongFile(_ name: String, _ content: [UInt8]) {
        let longName = Array(name.utf8) + [0]
        append(header(name: "././@LongLink", size: longName.count, type: "L", format: .gnu))
        append(longName, padded: true)
        file(String(name.prefix(100)), content, format: .gnu)
    }

    /// A pax `x` header with `records`, then a regular file named `headerName` in its own header.
    mutating func paxFile(_ records: [(String, String)], headerName: String, _ content: [UInt8], headerSize: Int? = nil)
    {
        pax(records, type: "x")
        append(header(name: headerName, size: headerSize ?? content.count, type: "0", format: .posix))
        append(content, padded: true)
    }

    /// A pax header of `type` (`x` or `g`) alone.
    mutating func pax(_ records: [(String, String)], type: Character) {
        var body: [UInt8] = []
        for (key, value) in records {
            let rest = " \(key)=\(value)\n".utf8.count
            var length = rest + 1
            while String(length).count + rest != length { length += 1 }
            body += Array("\(length) \(key)=\(value)\n".utf8)
        }
        append(header(name: "PaxHeaders/x", size: body.count, type: type, format: .posix))
        append(body, padded: true)
    }

    /// A file whose path is split between the ustar prefix and name fields.
    mutating func prefixedFile(prefix: String, name: String, _ content: [UInt8]) {
        append(header(name: name, size: content.count, type: "0", format: .posix, prefix: prefix))
        append(content, padded: true)
    }

    /// A directory.
    mutating func directory(_ name: String) {
        append(header(name: name.hasSuffix("/") ? name : name + "/", size: 0, type: "5", format: .posix))
    }

    /// A symbolic link.
    mutating func symlink(_ name: String, to target: String) {
        append(header(name: name, size: 0, type: "2", format: .posix, linkName: target))
    }

    /// A hard link.
    mutating func hardLink(_ name: String, to target: String) {
        append(header(name: name, size: 0, type: "1", format: .posix, linkName: target))
    }

    /// A header of any type, content and padding following.
    mutating func entry(_ name: String, type: Character, _ content: [UInt8]) {
        append(header(name: name, size: content.count, type: type, format: .gnu))
        append(content, padded: true)
    }

    /// The two zero blocks that end an archive.
    mutating func end() {
        bytes += [UInt8](repeating: 0, count: 1024)
    }

    /// Raw bytes (to break an archive on purpose).
    mutating func append(_ more: [UInt8], padded: Bool = false) {
        bytes += more
        if padded, more.count % 512 != 0 { bytes += [UInt8](repeating: 0, count: 512 - more.count % 512) }
    }

    /// A 512-byte header with a correct checksum.
    func header(
        name: String,
        size: Int,
        type: Character,
        format: Format,
        linkName: String = "",
        prefix: String = "",
        base256Size: Bool = false
    ) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, width: Int) -> String {
            let digits = String(value, radix: 8)
            return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
        }
        put(name, at: 0, width: 100)
        put(octal(0o644, width: 8), at: 100, width: 7)
        put(octal(0, width: 8), at: 108, width: 7)
        put(octal(0, width: 8), at: 116, width: 7)
        if base256Size {
            block[124] = 0x80
            var value = size
            for index in stride(from: 135, to: 124, by: -1) {
                block[index] = UInt8(value & 0xff)
                value >>= 8
            }
        } else {
            put(octal(size, width: 12), at: 124, width: 11)
        }
        put(octal(0, width: 12), at: 136, width: 11)
        block[156] = type.asciiValue ?? 0
        put(linkName, at: 157, width: 100)
        switch format {
        case .posix:
            put("ustar", at: 257, width: 6)
            put("00", at: 263, width: 2)
            put(prefix, at: 345, width: 155)
        case .gnu:
            put("ustar  ", at: 257, width: 8)
        }
        for index in 148..<156 { block[index] = 0x20 }
        let sum = block.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7) + "\0 ", at: 148, width: 8)
        return block
    }
}
