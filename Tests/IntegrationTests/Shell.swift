import Foundation

/// What a finished process left.
struct ProcessOutput {
    var exitCode: Int32
    var stdout: String
    var stderr: String
    var succeeded: Bool { exitCode == 0 }
}

/// Runs a program (no shell) and waits for it; `input` goes to its standard input.
@discardableResult
func shell(_ executable: String, _ arguments: [String], input: String? = nil, environment: [String: String] = [:])
    throws -> ProcessOutput
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    // Output goes to temporary files: no pipe can fill up and block the child.
    let directory = FileManager.default.temporaryDirectory
    let outURL = directory.appendingPathComponent("out-\(UUID().uuidString)")
    let errURL = directory.appendingPathComponent("err-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    let stdin = Pipe()
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    process.waitUntilExit()
    let outData = (try? Data(contentsOf: outURL)) ?? Data()
    let errData = (try? Data(contentsOf: errURL)) ?? Data()
    return ProcessOutput(
        exitCode: process.terminationStatus,
        stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self)
    )
}

/// An HTTP answer from curl: status code, headers (lower-cased names) and body.
struct HTTPAnswer {
    var status: Int
    var headers: [String: String]
    var body: String
}

/// `curl` against the local registry; `nil` when no HTTP answer came (refused, TLS failure).
func curl(_ url: String, method: String = "GET", extra: [String] = [], configLines: [String] = []) throws -> HTTPAnswer?
{
    // Credentials go through -K - (stdin), never argv.
    var arguments = ["-s", "-i", "--max-time", "10", "-X", method]
    if !configLines.isEmpty { arguments += ["-K", "-"] }
    let output = try shell(
        "curl",
        arguments + extra + [url],
        input: configLines.isEmpty ? nil : configLines.joined(separator: "\n") + "\n"
    )
    guard output.succeeded else { return nil }
    var text = output.stdout
    // Skip interim responses such as "100 Continue".
    while text.hasPrefix("HTTP/1.1 100"), let range = text.range(of: "\r\n\r\n") {
        text = String(text[range.upperBound...])
    }
    guard let split = text.range(of: "\r\n\r\n") else { return nil }
    let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
    guard let statusLine = head.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else {
        return nil
    }
    var headers: [String: String] = [:]
    for line in head.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return HTTPAnswer(status: status, headers: headers, body: String(text[split.upperBound...]))
}

/// Polls `condition` every 200 ms for up to `seconds`.
func eventually(_ seconds: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.2)
    }
    return try condition()
}
