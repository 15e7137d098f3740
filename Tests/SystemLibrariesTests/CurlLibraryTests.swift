import Testing

@testable import SystemLibraries

/// Loading libcurl, and what a unit without it is told.
@Suite("libcurl loading")
struct CurlLibraryTests {
    @Test("the system's libcurl.so.4 loads, with every function the client calls")
    func loads() throws {
        _ = try CurlLibrary.shared.get()
    }

    @Test("a missing libcurl is a typed error that names the package to install")
    func missing() {
        #expect {
            _ = try CurlLibrary(path: "libcurl-not-here.so.4")
        } throws: { error in
            guard case .libcurlUnavailable(let reason) = error as? HTTPTransferError else { return false }
            return reason.contains("libcurl-not-here.so.4") && reason.contains("install the libcurl4 package")
        }
    }
}
