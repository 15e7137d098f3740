import Foundation
import JujuKit
import RegistryCharm
import RegistryCharmTesting
import Testing

/// Helpers shared by the config and render tests.
enum ConfigTestSupport {
    /// A syntactically complete PEM certificate (not a real one: validation only checks the PEM structure).
    static let certificatePEM = RenderScenarios.certificatePEM
    /// A syntactically complete PEM private key.
    static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQ2hhcm1Db25maWdU
        -----END PRIVATE KEY-----

        """

    /// `text` in base64.
    static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }

    /// The configuration for `options` on top of the defaults.
    static func config(_ options: [String: JSONValue] = [:]) -> CharmConfig {
        CharmConfig(options: options)
    }

    /// The one problem of `options`, checked to be about `option` with exactly `message`.
    static func expectProblem(
        _ options: [String: JSONValue],
        option: String,
        message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let problems = CharmConfig(options: options).problems
        #expect(
            problems == [ConfigProblem(option: option, message: message)],
            "problems: \(problems)",
            sourceLocation: sourceLocation
        )
    }

    /// Checks `options` are valid.
    static func expectValid(_ options: [String: JSONValue], sourceLocation: SourceLocation = #_sourceLocation) {
        let problems = CharmConfig(options: options).problems
        #expect(problems.isEmpty, "problems: \(problems)", sourceLocation: sourceLocation)
    }
}
