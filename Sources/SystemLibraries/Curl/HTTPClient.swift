import CCurl
import COpenSSL

#if canImport(Glibc)
    import Glibc
#endif

/// The charm's one HTTP client: libcurl (the system's, on OpenSSL), for the docker engine's unix socket, the
/// registry's API, object stores and upstream registries.
///
/// Each request is one blocking transfer on its own easy handle (a new connection); libcurl is loaded on the first
/// (``CurlLibrary``). A caller making many requests to the same servers keeps an ``HTTPConnection`` instead.
/// Redirects are not followed, proxies are used only when named, only `http` and `https` are spoken, over HTTP/1.1.
public struct HTTPClient: Sendable {
    /// Creates a client.
    public init() {}

    /// Sends `request` and returns the whole answer, whatever its status.
    public func perform(_ request: HTTPRequest) throws(HTTPTransferError) -> HTTPResponse {
        try HTTPConnection().perform(request)
    }
}

/// One libcurl easy handle kept across requests, so its connections (and TLS sessions) are reused: the client of a
/// worker that sends many requests to the same registries, one request at a time.
///
/// Bodies can stream both ways: an ``HTTPBodySource`` feeds an upload and an ``HTTPBodySink`` takes a successful
/// answer's body as it arrives, so neither is held in memory. Not for use by two threads at once.
public final class HTTPConnection: @unchecked Sendable {
    private let curl: CurlLibrary
    private let handle: UnsafeMutableRawPointer

    /// Creates a connection (no socket is opened until the first request).
    public init() throws(HTTPTransferError) {
        curl = try CurlLibrary.shared.get()
        guard let handle = curl.easyInit() else { throw .failed(reason: "curl_easy_init failed") }
        self.handle = handle
    }

    deinit { curl.easyCleanup(handle) }

    /// The buffer of a streamed transfer's reads and writes (libcurl allows up to 512 KiB for downloads).
    static let streamChunk = 256 << 10

    /// Sends `request` and returns the answer, whatever its status.
    ///
    /// With `upload`, the request's body is read from it (its ``HTTPBodySource/length`` bytes; `request.body` is
    /// ignored). With `download`, a 2xx answer's body goes to it and the response's body stays empty; any other
    /// answer's body is kept in the response, up to the request's limit.
    public func perform(
        _ request: HTTPRequest,
        upload: (any HTTPBodySource)? = nil,
        download: (any HTTPBodySink)? = nil
    ) throws(HTTPTransferError) -> HTTPResponse {
        curl.easyReset(handle)
        let transfer = TransferState(limit: request.maximumBodyBytes, upload: upload, download: download)
        transfer.statusReader = { [self] in responseStatus() }
        var errorText = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl.slistFreeAll(headerList) }
        let options = EasyOptions(curl: curl, handle: handle)

        let outcome = errorText.withUnsafeMutableBufferPointer { buffer in
            Result { () throws(HTTPTransferError) in
                try options.set(CURLOPT_ERRORBUFFER, pointer: buffer.baseAddress, name: "CURLOPT_ERRORBUFFER")
                try configure(options, request, transfer, &headerList)
                let code = curl.easyPerform(handle)
                if code != CURLE_OK {
                    let detail = buffer.baseAddress.map { String(cString: $0) } ?? ""
                    throw failure(code, detail: detail.isEmpty ? curl.text(code) : detail, options, transfer)
                }
            }
        }
        // The error buffer lives only for this call.
        _ = charm_curl_setopt_pointer(curl.easySetopt, handle, CURLOPT_ERRORBUFFER, nil)
        try outcome.get()
        return HTTPResponse(status: responseStatus(), headers: transfer.headers, body: transfer.body)
    }

    /// The status code of the answer being received (or last received).
    private func responseStatus() -> Int {
        var status = 0
        _ = charm_curl_getinfo_long(curl.easyGetinfo, handle, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    private func configure(
        _ options: EasyOptions,
        _ request: HTTPRequest,
        _ transfer: TransferState,
        _ headerList: inout UnsafeMutablePointer<curl_slist>?
    ) throws(HTTPTransferError) {
        try options.set(CURLOPT_URL, request.url, name: "the URL \(request.url)")
        try options.set(CURLOPT_NOSIGNAL, 1, name: "CURLOPT_NOSIGNAL")
        try options.set(CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTP | CURLPROTO_HTTPS), name: "CURLOPT_PROTOCOLS")
        try options.set(
            CURLOPT_CONNECTTIMEOUT_MS,
            request.connectTimeoutMilliseconds,
            name: "CURLOPT_CONNECTTIMEOUT_MS"
        )
        try options.set(CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds, name: "CURLOPT_TIMEOUT_MS")
        if let stall = request.stallSeconds {
            try options.set(CURLOPT_LOW_SPEED_LIMIT, 1, name: "CURLOPT_LOW_SPEED_LIMIT")
            try options.set(CURLOPT_LOW_SPEED_TIME, stall, name: "CURLOPT_LOW_SPEED_TIME")
        }
        try options.set(CURLOPT_USERAGENT, "docker-registry-charm", name: "CURLOPT_USERAGENT")
        // HTTP/1.1: a server's TLS alert (a refused client certificate) then reaches the reader as the alert, where
        // over HTTP/2 it is lost in a broken pipe.
        try options.set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1, name: "CURLOPT_HTTP_VERSION")
        // An empty proxy turns off libcurl's own reading of http_proxy, https_proxy and no_proxy.
        try options.set(CURLOPT_PROXY, request.proxy?.url ?? "", name: "CURLOPT_PROXY")
        if let noProxy = request.proxy?.noProxy { try options.set(CURLOPT_NOPROXY, noProxy, name: "CURLOPT_NOPROXY") }
        if let socket = request.unixSocketPath {
            try options.set(CURLOPT_UNIX_SOCKET_PATH, socket, name: "the unix socket \(socket)")
        }
        switch request.method {
        case "GET": break
        case "PUT" where transfer.upload != nil: break
        case "HEAD": try options.set(CURLOPT_NOBODY, 1, name: "CURLOPT_NOBODY")
        default: try options.set(CURLOPT_CUSTOMREQUEST, request.method, name: "the method \(request.method)")
        }
        if transfer.upload != nil || transfer.download != nil {
            // Streams move in larger chunks: fewer callbacks, and fewer hand-offs between a download and the
            // upload it feeds.
            try options.set(CURLOPT_BUFFERSIZE, Self.streamChunk, name: "CURLOPT_BUFFERSIZE")
            try options.set(CURLOPT_UPLOAD_BUFFERSIZE, Self.streamChunk, name: "CURLOPT_UPLOAD_BUFFERSIZE")
        }
        if let upload = transfer.upload {
            // PUT is libcurl's upload method; any other was named with CURLOPT_CUSTOMREQUEST above.
            try options.set(CURLOPT_UPLOAD, 1, name: "CURLOPT_UPLOAD")
            try options.set(CURLOPT_INFILESIZE_LARGE, offset: curl_off_t(upload.length), name: "CURLOPT_INFILESIZE")
            let state = Unmanaged.passUnretained(transfer).toOpaque()
            try options.set(CURLOPT_READFUNCTION, callback: TransferState.sendBody, name: "CURLOPT_READFUNCTION")
            try options.set(CURLOPT_READDATA, pointer: state, name: "CURLOPT_READDATA")
        } else if let body = request.body {
            try options.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(body.count), name: "CURLOPT_POSTFIELDSIZE")
            // COPYPOSTFIELDS copies the bytes, so they need not outlive this call.
            let copied = body.withUnsafeBytes { bytes in
                Result { () throws(HTTPTransferError) in
                    try options.set(CURLOPT_COPYPOSTFIELDS, pointer: bytes.baseAddress, name: "the request body")
                }
            }
            try copied.get()
        }
        // No `Expect: 100-continue` wait before an upload's body.
        let headers = request.headers + (transfer.upload == nil ? [] : [HTTPHeader("Expect", "")])
        for header in headers {
            guard let list = options.curl.slistAppend(headerList, "\(header.name): \(header.value)") else {
                throw .failed(reason: "cannot add the \(header.name) header")
            }
            headerList = list
        }
        if let headerList { try options.set(CURLOPT_HTTPHEADER, pointer: headerList, name: "CURLOPT_HTTPHEADER") }
        try configureTLS(options, request.tls)
        let state = Unmanaged.passUnretained(transfer).toOpaque()
        try options.set(CURLOPT_WRITEFUNCTION, callback: TransferState.receiveBody, name: "CURLOPT_WRITEFUNCTION")
        try options.set(CURLOPT_WRITEDATA, pointer: state, name: "CURLOPT_WRITEDATA")
        try options.set(CURLOPT_HEADERFUNCTION, callback: TransferState.receiveHeader, name: "CURLOPT_HEADERFUNCTION")
        try options.set(CURLOPT_HEADERDATA, pointer: state, name: "CURLOPT_HEADERDATA")
    }

    private func configureTLS(_ options: EasyOptions, _ tls: HTTPTLS) throws(HTTPTransferError) {
        try options.set(CURLOPT_SSL_VERIFYPEER, 1, name: "CURLOPT_SSL_VERIFYPEER")
        try options.set(CURLOPT_SSL_VERIFYHOST, tls.verifiesHostName ? 2 : 0, name: "CURLOPT_SSL_VERIFYHOST")
        if let trusted = tls.trustedPEM {
            try options.set(CURLOPT_CAINFO_BLOB, blob: trusted, name: "the trusted certificates")
            // Without this, libcurl would also trust the system's CA directory next to the blob.
            try options.set(CURLOPT_CAPATH, pointer: nil, name: "CURLOPT_CAPATH")
        }
        if let certificate = tls.clientCertificatePEM, let key = tls.clientKeyPEM {
            try options.set(CURLOPT_SSLCERTTYPE, "PEM", name: "CURLOPT_SSLCERTTYPE")
            try options.set(CURLOPT_SSLCERT_BLOB, blob: certificate, name: "the client certificate")
            try options.set(CURLOPT_SSLKEYTYPE, "PEM", name: "CURLOPT_SSLKEYTYPE")
            try options.set(CURLOPT_SSLKEY_BLOB, blob: key, name: "the client key")
        }
    }

    private func failure(
        _ code: CURLcode,
        detail: String,
        _ options: EasyOptions,
        _ transfer: TransferState
    ) -> HTTPTransferError {
        switch code {
        case CURLE_WRITE_ERROR where transfer.overLimit:
            return .bodyTooLarge(limit: transfer.limit)
        case CURLE_WRITE_ERROR where transfer.sinkFailure != nil:
            return .streamFailed(reason: transfer.sinkFailure ?? "")
        case CURLE_ABORTED_BY_CALLBACK where transfer.sourceFailure != nil,
            CURLE_READ_ERROR where transfer.sourceFailure != nil:
            return .streamFailed(reason: transfer.sourceFailure ?? "")
        case CURLE_COULDNT_CONNECT:
            var systemError = 0
            _ = charm_curl_getinfo_long(options.curl.easyGetinfo, options.handle, CURLINFO_OS_ERRNO, &systemError)
            return systemError == Int(ECONNREFUSED) ? .connectionRefused(reason: detail) : .failed(reason: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(reason: detail)
        case CURLE_PEER_FAILED_VERIFICATION:
            var result = 0
            _ = charm_curl_getinfo_long(options.curl.easyGetinfo, options.handle, CURLINFO_SSL_VERIFYRESULT, &result)
            // 0 and X509_V_ERR_UNSPECIFIED: libcurl's own checks (the host name) failed; its message says which.
            guard result != 0, result != Int(X509_V_ERR_UNSPECIFIED), let code = Int32(exactly: result) else {
                return .peerCertificateRefused(reason: Self.shortTLSReason(detail))
            }
            return .peerCertificateRefused(reason: ChainVerifier.reason(code))
        case CURLE_SSL_CONNECT_ERROR, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_SSL_CERTPROBLEM:
            return detail.contains("SSL") || detail.contains("TLS") || code != CURLE_RECV_ERROR
                ? .tlsFailed(reason: Self.shortTLSReason(detail)) : .failed(reason: detail)
        default:
            return .failed(reason: detail)
        }
    }

    /// OpenSSL's reason without its prefix: `sslv3 alert bad certificate` from
    /// `OpenSSL/3.0.2: error:0A000412:SSL routines::sslv3 alert bad certificate`.
    static func shortTLSReason(_ detail: String) -> String {
        guard let marker = detail.ranges(of: "::").last else { return detail }
        let reason = detail[marker.upperBound...]
        return reason.isEmpty ? detail : String(reason)
    }
}

/// `curl_easy_setopt` on one handle, each result checked: an option libcurl does not know (newer than the installed
/// library) fails the request with its name rather than being ignored.
struct EasyOptions {
    let curl: CurlLibrary
    let handle: UnsafeMutableRawPointer

    func set(_ option: CURLoption, _ value: Int, name: String) throws(HTTPTransferError) {
        try check(charm_curl_setopt_long(curl.easySetopt, handle, option, value), name)
    }

    func set(_ option: CURLoption, _ value: String, name: String) throws(HTTPTransferError) {
        // libcurl copies string options.
        try check(value.withCString { charm_curl_setopt_pointer(curl.easySetopt, handle, option, $0) }, name)
    }

    func set(_ option: CURLoption, pointer: UnsafeRawPointer?, name: String) throws(HTTPTransferError) {
        try check(charm_curl_setopt_pointer(curl.easySetopt, handle, option, pointer), name)
    }

    func set(_ option: CURLoption, offset: curl_off_t, name: String) throws(HTTPTransferError) {
        try check(charm_curl_setopt_offset(curl.easySetopt, handle, option, offset), name)
    }

    func set(_ option: CURLoption, callback: charm_curl_data_callback, name: String) throws(HTTPTransferError) {
        try check(charm_curl_setopt_callback(curl.easySetopt, handle, option, callback), name)
    }

    /// A blob option (libcurl ≥ 7.71 for keys and certificates, 7.77 for CA blobs); libcurl copies the bytes.
    func set(_ option: CURLoption, blob bytes: [UInt8], name: String) throws(HTTPTransferError) {
        let code = bytes.withUnsafeBytes { buffer in
            var blob = curl_blob(
                data: UnsafeMutableRawPointer(mutating: buffer.baseAddress),
                len: buffer.count,
                flags: UInt32(CURL_BLOB_COPY)
            )
            return withUnsafePointer(to: &blob) { charm_curl_setopt_pointer(curl.easySetopt, handle, option, $0) }
        }
        try check(code, name)
    }

    private func check(_ code: CURLcode, _ name: String) throws(HTTPTransferError) {
        guard code != CURLE_OK else { return }
        throw .optionRefused(option: name, reason: curl.text(code))
    }
}

/// What one transfer sends and received, filled in by libcurl's callbacks.
final class TransferState {
    let limit: Int
    let upload: (any HTTPBodySource)?
    let download: (any HTTPBodySink)?
    var statusReader: () -> Int = { 0 }
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var overLimit = false
    var sinkFailure: String?
    var sourceFailure: String?

    init(limit: Int, upload: (any HTTPBodySource)? = nil, download: (any HTTPBodySink)? = nil) {
        self.limit = limit
        self.upload = upload
        self.download = download
    }

    /// `CURLOPT_WRITEFUNCTION`: a 2xx body goes to the sink when there is one, any other is appended to the body;
    /// a body over the limit, or a sink's refusal, stops the transfer.
    static let receiveBody: charm_curl_data_callback = { data, size, count, state in
        guard let state else { return 0 }
        let transfer = Unmanaged<TransferState>.fromOpaque(state).takeUnretainedValue()
        let length = size * count
        guard let data, length > 0 else { return length }
        let bytes = UnsafeRawBufferPointer(start: data, count: length)
        if let sink = transfer.download, (200..<300).contains(transfer.statusReader()) {
            if let failure = sink.receive(bytes) {
                transfer.sinkFailure = failure
                return 0
            }
            return length
        }
        guard transfer.body.count + length <= transfer.limit else {
            transfer.overLimit = true
            return 0
        }
        transfer.body.append(contentsOf: bytes)
        return length
    }

    /// `CURLOPT_READFUNCTION`: the upload's next bytes from its source; a source's failure aborts the transfer.
    static let sendBody: charm_curl_data_callback = { data, size, count, state in
        guard let state, let data else { return Int(CURL_READFUNC_ABORT) }
        let transfer = Unmanaged<TransferState>.fromOpaque(state).takeUnretainedValue()
        guard let source = transfer.upload else { return 0 }
        switch source.read(into: UnsafeMutableRawBufferPointer(start: data, count: size * count)) {
        case .success(let length): return length
        case .failure(let failure):
            transfer.sourceFailure = failure.reason
            return Int(CURL_READFUNC_ABORT)
        }
    }

    /// `CURLOPT_HEADERFUNCTION`: one header line at a time; a status line starts a new set (after a
    /// `100 Continue` or a proxy's `CONNECT` answer).
    static let receiveHeader: charm_curl_data_callback = { data, size, count, state in
        guard let state else { return 0 }
        let transfer = Unmanaged<TransferState>.fromOpaque(state).takeUnretainedValue()
        let length = size * count
        guard let data, length > 0 else { return length }
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            transfer.headers = [:]
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: " \t\r\n")
            transfer.headers[name] = transfer.headers[name].map { "\($0), \(value)" } ?? value
        }
        return length
    }
}

extension String {
    /// The string without leading and trailing characters of `set`.
    fileprivate func trimmingCharacters(in set: String) -> String {
        let unwanted = Set(set)
        guard let start = firstIndex(where: { !unwanted.contains($0) }),
            let end = lastIndex(where: { !unwanted.contains($0) })
        else { return "" }
        return String(self[start...end])
    }
}
