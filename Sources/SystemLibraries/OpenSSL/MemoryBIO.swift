import COpenSSL

/// Runs `body` with a read-only OpenSSL memory BIO over `bytes`; the BIO never outlives the call.
func withMemoryBIO<Result>(
    _ bytes: [UInt8],
    operation: String,
    _ body: (OpaquePointer) throws(OpenSSLError) -> Result
) throws(OpenSSLError) -> Result {
    let outcome: Swift.Result<Result, OpenSSLError> = bytes.withUnsafeBytes { buffer in
        guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
            return .failure(.drained(operation))
        }
        defer { BIO_free(bio) }
        do throws(OpenSSLError) {
            return .success(try body(bio))
        } catch {
            return .failure(error)
        }
    }
    return try outcome.get()
}
