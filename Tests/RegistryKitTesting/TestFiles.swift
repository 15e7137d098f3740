public import Foundation
public import SystemLibraries

/// A test support failure, with its reason.
public struct RegistryTestFailure: Error, CustomStringConvertible {
    /// The reason.
    public let description: String
    /// Creates a failure.
    public init(_ description: String) { self.description = description }
}

/// Files, ports and processes for the tests.
public enum TestFiles {
    /// A new directory under the temporary directory.
    public static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = NSTemporaryDirectory() + "registrykit-\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A port nothing listens on, on 127.0.0.1.
    public static func freePort() throws -> Int {
        for _ in 0..<50 {
            let port = Int.random(in: 20_000..<32_000)
            if (try? HTTPClient().perform(
                HTTPRequest(url: "http://127.0.0.1:\(port)/", connectTimeoutMilliseconds: 200)
            ))
                == nil
            {
                return port
            }
        }
        throw RegistryTestFailure("no free port")
    }

    /// Waits (10 s at most, and only while `alive` holds) until something accepts connections on 127.0.0.1:`port`.
    public static func waitForListener(port: Int, while alive: () -> Bool = { true }) throws {
        for _ in 0..<200 where alive() {
            do {
                _ = try HTTPClient().perform(
                    HTTPRequest(
                        url: "http://127.0.0.1:\(port)/",
                        connectTimeoutMilliseconds: 200,
                        timeoutMilliseconds: 500
                    )
                )
                return
            } catch .connectionRefused {
                usleep(50_000)
            } catch {
                return  // something answered (a TLS listener refuses plain http)
            }
        }
        throw RegistryTestFailure("nothing listens on port \(port)")
    }

    /// A program's exit status and output.
    public struct RunResult {
        /// The exit status.
        public let status: Int32
        /// Standard output.
        public let output: [UInt8]
        /// Standard error.
        public let errorText: String
    }

    /// Runs `executable` with `arguments` and waits for it.
    public static func run(_ executable: String, _ arguments: [String]) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        let errorBytes = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return RunResult(
            status: process.terminationStatus,
            output: Array(bytes),
            errorText: String(decoding: errorBytes, as: UTF8.self)
        )
    }

    /// `sha256:<hex>` of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> String { "sha256:" + HexText.lowerCase(SHA256.hash(bytes)) }
}
