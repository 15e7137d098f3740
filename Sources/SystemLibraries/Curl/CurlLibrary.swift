import CCurl

#if canImport(Glibc)
    import Glibc
#endif

/// libcurl, loaded with `dlopen` on first use.
///
/// Linking libcurl maps about 38 libraries into every process (nghttp2, krb5, ldap, …): about 4.6 ms at each start.
/// Most hooks make no HTTP request, so the binary does not link it; the first request loads `libcurl.so.4` (the
/// OpenSSL flavour every Ubuntu server and cloud image has, package `libcurl4`/`libcurl4t64`) and looks up the few
/// functions the client calls. Only functions and options of libcurl 7.81 (Ubuntu 22.04) are used.
final class CurlLibrary: @unchecked Sendable {
    // Written once in init, read-only after.
    typealias EasyInit = @convention(c) () -> UnsafeMutableRawPointer?
    typealias EasyCleanup = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias EasyPerform = @convention(c) (UnsafeMutableRawPointer?) -> CURLcode
    typealias EasyStrerror = @convention(c) (CURLcode) -> UnsafePointer<CChar>?
    typealias SlistAppend =
        @convention(c) (UnsafeMutablePointer<curl_slist>?, UnsafePointer<CChar>?) ->
        UnsafeMutablePointer<curl_slist>?
    typealias SlistFreeAll = @convention(c) (UnsafeMutablePointer<curl_slist>?) -> Void
    typealias GlobalInit = @convention(c) (Int) -> CURLcode

    let easyInit: EasyInit
    let easyCleanup: EasyCleanup
    let easyReset: EasyCleanup
    let easyPerform: EasyPerform
    let easyStrerror: EasyStrerror
    let slistAppend: SlistAppend
    let slistFreeAll: SlistFreeAll
    /// `curl_easy_setopt`, called through the typed shims of the CCurl module.
    let easySetopt: UnsafeMutableRawPointer
    /// `curl_easy_getinfo`, likewise.
    let easyGetinfo: UnsafeMutableRawPointer

    /// The library, loaded and initialised once per process; the error when it cannot be.
    ///
    /// `curl_global_init` is not thread-safe before libcurl 7.84, so it runs here, once, under Swift's lazy global
    /// initialisation.
    static let shared: Result<CurlLibrary, HTTPTransferError> = {
        do throws(HTTPTransferError) {
            return .success(try CurlLibrary(path: "libcurl.so.4"))
        } catch {
            return .failure(error)
        }
    }()

    init(path: String) throws(HTTPTransferError) {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
            throw .libcurlUnavailable(reason: "\(reason) (install the libcurl4 package)")
        }
        func symbol(_ name: String) throws(HTTPTransferError) -> UnsafeMutableRawPointer {
            guard let address = dlsym(handle, name) else {
                throw .libcurlUnavailable(reason: "\(path) has no \(name)")
            }
            return address
        }
        easyInit = unsafeBitCast(try symbol("curl_easy_init"), to: EasyInit.self)
        easyCleanup = unsafeBitCast(try symbol("curl_easy_cleanup"), to: EasyCleanup.self)
        easyReset = unsafeBitCast(try symbol("curl_easy_reset"), to: EasyCleanup.self)
        easyPerform = unsafeBitCast(try symbol("curl_easy_perform"), to: EasyPerform.self)
        easyStrerror = unsafeBitCast(try symbol("curl_easy_strerror"), to: EasyStrerror.self)
        slistAppend = unsafeBitCast(try symbol("curl_slist_append"), to: SlistAppend.self)
        slistFreeAll = unsafeBitCast(try symbol("curl_slist_free_all"), to: SlistFreeAll.self)
        easySetopt = try symbol("curl_easy_setopt")
        easyGetinfo = try symbol("curl_easy_getinfo")
        let globalInit = unsafeBitCast(try symbol("curl_global_init"), to: GlobalInit.self)
        let code = globalInit(Int(CURL_GLOBAL_DEFAULT))
        guard code == CURLE_OK else {
            throw .libcurlUnavailable(reason: "curl_global_init failed with code \(code.rawValue)")
        }
    }

    /// libcurl's text for `code`.
    func text(_ code: CURLcode) -> String {
        easyStrerror(code).map { String(cString: $0) } ?? "libcurl error \(code.rawValue)"
    }
}
