import JujuKit

/// The server certificate this unit asks the `cert-provider` (tls-certificates) relation for, in the keys and
/// encodings of the reactive charm and its interface: raw `unit_name`, `common_name` and `certificate_name`, JSON
/// `sans`; a request for a second common name (after an address change) goes into JSON `cert_requests`.
struct CertificateRequest: Equatable {
    /// The common name: the unit's private address.
    var commonName: String
    /// Every name and address clients may use, sorted and without duplicates.
    var sans: [String]
    /// `docker-registry/0` as the interface writes it: `docker-registry_0`.
    var unitKey: String

    /// The subject alternative names: private and public address, host name, `http-host`'s host, and the proxies'
    /// addresses when proxied (the reactive charm meant to add those but never did).
    static func sans(addresses: UnitAddresses, httpHost: ParsedURL?, proxy: WebsiteProxy) -> [String] {
        var names = [addresses.privateAddress]
        if let address = addresses.publicAddress { names.append(address) }
        if let hostname = addresses.hostname { names.append(hostname) }
        if let httpHost { names.append(httpHost.hostname) }
        names += proxy.addresses
        return Array(Set(names.filter { !$0.isEmpty })).sorted()
    }

    /// The interface's name for a unit's keys: `/` becomes `_`.
    static func unitKey(_ unitName: String) -> String {
        unitName.replacing("/", with: "_")
    }

    /// The keys to publish, given what this unit's databag already holds.
    ///
    /// The first request (or one for the same common name) goes in `common_name`/`sans`/`certificate_name`, as the
    /// interface does; a request for another common name is added to `cert_requests`, since the provider answers
    /// a changed `common_name` under the old keys.
    func databag(published: [String: String]) -> [String: String?] {
        var values: [String: String?] = ["unit_name": unitKey]
        let current = published["common_name"] ?? ""
        if current.isEmpty || current == commonName {
            values["common_name"] = commonName
            values["sans"] = JSONText.encode(sans)
            values["certificate_name"] = unitKey
        } else {
            var requests = Self.decodeRequests(published["cert_requests"])
            requests[commonName] = ["sans": sans]
            values["cert_requests"] = JSONText.encode(requests)
        }
        return values
    }

    private static func decodeRequests(_ text: String?) -> [String: [String: [String]]] {
        guard let text else { return [:] }
        return (try? JSONValue(parsing: text))?.objectValue { $0.objectValue(\.stringsValue) } ?? [:]
    }
}
