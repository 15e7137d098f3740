import RegistryCharm
import RegistryKit
import Testing

/// The small parsers behind the options: YAML scalar lists, shell words, URLs and image references.
@Suite("Config parsers")
struct ConfigParserTests {
    // MARK: YAML scalar lists

    @Test func emptyAndNullListsHaveNoItems() throws {
        #expect(try YAMLScalarList.parse("") == [])
        #expect(try YAMLScalarList.parse("  \n") == [])
        #expect(try YAMLScalarList.parse("null") == [])
        #expect(try YAMLScalarList.parse("[]") == [])
    }

    @Test func aSingleScalarIsOneItem() throws {
        #expect(try YAMLScalarList.parse("ppa:user/tools") == ["ppa:user/tools"])
        #expect(try YAMLScalarList.parse("'deb http://x/ubuntu jammy main'") == ["deb http://x/ubuntu jammy main"])
    }

    @Test func flowLists() throws {
        #expect(
            try YAMLScalarList.parse("[a, 'b c', \"d\\te\", null, ~, 'it''s']") == [
                "a", "b c", "d\te", nil, nil, "it's",
            ]
        )
        #expect(try YAMLScalarList.parse("[a, b,]") == ["a", "b"])
        #expect(try YAMLScalarList.parse("[\n  a,\n  b\n]") == ["a", "b"])
        #expect(try YAMLScalarList.parse("['x, y', \"[z]\"]") == ["x, y", "[z]"])
    }

    @Test func blockLists() throws {
        let text = """
            # sources
            - ppa:user/tools
            - 'deb http://example.com/ubuntu jammy main'
            -
            - plain continued
              on the next line   # comment
            """
        #expect(
            try YAMLScalarList.parse(text) == [
                "ppa:user/tools", "deb http://example.com/ubuntu jammy main", nil, "plain continued on the next line",
            ]
        )
    }

    @Test func blockScalarsKeepArmouredKeys() throws {
        let text = """
            - |
              -----BEGIN PGP PUBLIC KEY BLOCK-----

              mQINBFit2ioBEADhWpZ8/wvZ6hUTiXOwQHXMAlaFHcPH9hAtr4F1y2+OYdbtMuth
              -----END PGP PUBLIC KEY BLOCK-----
            - null
            - >-
              folded
              text
            """
        #expect(
            try YAMLScalarList.parse(text) == [
                "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"
                    + "mQINBFit2ioBEADhWpZ8/wvZ6hUTiXOwQHXMAlaFHcPH9hAtr4F1y2+OYdbtMuth\n"
                    + "-----END PGP PUBLIC KEY BLOCK-----\n",
                nil, "folded text",
            ]
        )
    }

    @Test func malformedListsAreRefused() {
        #expect(throws: YAMLListError.unterminatedFlowList) { try YAMLScalarList.parse("[a, b") }
        #expect(throws: YAMLListError.unterminatedQuote) { try YAMLScalarList.parse("['a, b]") }
        #expect(throws: YAMLListError.nestedCollection) { try YAMLScalarList.parse("[a, [b]]") }
        #expect(throws: YAMLListError.nestedCollection) { try YAMLScalarList.parse("- key: value") }
        #expect(throws: YAMLListError.nestedCollection) { try YAMLScalarList.parse("key: value") }
        #expect(throws: YAMLListError.unexpectedLine) { try YAMLScalarList.parse("- a\nb") }
        #expect(throws: YAMLListError.invalidEscape) { try YAMLScalarList.parse("[\"a\\q\"]") }
        #expect(throws: YAMLListError.unsupportedScalar) { try YAMLScalarList.parse("- &anchor a") }
    }

    // MARK: Shell words

    @Test func shellWordsSplitLikeAShell() throws {
        #expect(try ShellWords.split("") == [])
        #expect(try ShellWords.split("  --a   b\t--c ") == ["--a", "b", "--c"])
        #expect(
            try ShellWords.split(#"--x='a b' --y="c \"d\" \$e" --z=f\ g ''"#) == [
                "--x=a b", #"--y=c "d" $e"#, "--z=f g", "",
            ]
        )
        #expect(throws: ShellWordsError.unterminatedQuote) { try ShellWords.split("--x \"a") }
        #expect(throws: ShellWordsError.danglingEscape) { try ShellWords.split("--x \\") }
    }

    // MARK: URLs

    @Test func urlsAreSplitIntoParts() throws {
        let url = try ParsedURL.parse("HTTPS://us%40r:p%3Ass@Registry.example.com:5443/v2/")
        #expect(url.scheme == "https")
        #expect(url.user == "us@r")
        #expect(url.password == "p:ss")
        #expect(url.rawPassword == "p%3Ass")
        #expect(url.host == "Registry.example.com")
        #expect(url.port == 5443)
        #expect(url.path == "/v2/")
        #expect(url.hostAndPort == "Registry.example.com:5443")
        let ipv6 = try ParsedURL.parse("http://[fd00::1]:80")
        #expect(ipv6.hostname == "fd00::1")
        #expect(try ParsedURL.parse("squid:3128", defaultScheme: "http").scheme == "http")
    }

    @Test func malformedURLsAreRefused() {
        #expect(throws: URLParseError.missingScheme) { try ParsedURL.parse("example.com") }
        #expect(throws: URLParseError.missingHost) { try ParsedURL.parse("https://:5000") }
        #expect(throws: URLParseError.invalidPort) { try ParsedURL.parse("https://example.com:0") }
        #expect(throws: URLParseError.invalidPort) { try ParsedURL.parse("https://example.com:http") }
        #expect(throws: URLParseError.invalidHost) { try ParsedURL.parse("https://exa..mple.com") }
        #expect(throws: URLParseError.queryOrFragment) { try ParsedURL.parse("https://example.com/?a=b") }
        #expect(throws: URLParseError.whitespace) { try ParsedURL.parse("https://example.com/\n") }
        #expect(throws: URLParseError.invalidCharacter) { try ParsedURL.parse("https://exämple.com") }
        #expect(throws: URLParseError.invalidPercentEncoding) { try ParsedURL.parse("http://u:%zz@example.com") }
        #expect(throws: URLParseError.invalidScheme) { try ParsedURL.parse("1http://example.com") }
    }

    // MARK: Image references

    @Test func imageReferencesAreSplitIntoParts() throws {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let reference = try ImageReference.parse("localhost:5000/team/registry:2.8@" + digest)
        #expect(reference.domain == "localhost:5000")
        #expect(reference.path == "team/registry")
        #expect(reference.tag == "2.8")
        #expect(reference.digest == digest)
        #expect(reference.description == "localhost:5000/team/registry:2.8@" + digest)
        let plain = try ImageReference.parse("team/registry")
        #expect(plain.domain == nil)
        #expect(plain.path == "team/registry")
        #expect(plain.tag == nil)
    }

    @Test func imageReferenceLimits() {
        #expect(throws: ImageReferenceError.invalidPath) { try ImageReference.parse("team//registry") }
        #expect(throws: ImageReferenceError.invalidPath) { try ImageReference.parse("team/registry-") }
        #expect(throws: ImageReferenceError.invalidTag) {
            try ImageReference.parse("registry:" + String(repeating: "t", count: 129))
        }
        #expect(throws: ImageReferenceError.nameTooLong) {
            try ImageReference.parse(String(repeating: "a", count: 256))
        }
        #expect(throws: ImageReferenceError.invalidDigest) {
            try ImageReference.parse("registry@md5:" + String(repeating: "a", count: 32))
        }
    }

    @Test func containerNames() {
        #expect(ContainerName.isValid("registry"))
        #expect(ContainerName.isValid("r2"))
        #expect(!ContainerName.isValid("r"))
        #expect(!ContainerName.isValid("_registry"))
        #expect(!ContainerName.isValid("reg/istry"))
    }
}
