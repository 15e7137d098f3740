import Foundation
import JujuKit
import RegistryCharm
import Synchronization
import Testing

/// The charm asks the object store before it touches the registry: a store it cannot use blocks the unit while the
/// registry running keeps its configuration, and `update-status` asks again.
@Suite("Object storage probe in the hooks")
struct ObjectStorageScenarioTests {
    static let s3: [String: JSONValue] = [
        "storage-s3-region": "us-east-1", "storage-s3-bucket": "images",
        "storage-s3-regionendpoint": "http://127.0.0.1:7480", "storage-s3-accesskey": "AK",
        "storage-s3-secretkey": "s3-secret-value", "storage-s3-secure": false, "storage-s3-forcepathstyle": true,
    ]

    @Test("an unreachable S3 endpoint blocks naming it; the container and config.yml stay; update-status retries")
    func unreachableEndpoint() async {
        let scenario = Scenario()
        await scenario.deploy()
        #expect(scenario.status?.state == .active)
        let config = scenario.text("/etc/docker/registry/config.yml")
        scenario.registry.state.withLock { $0.unreachable = true }
        scenario.resetRecording()
        await scenario.configure(Self.s3)
        let message = scenario.status?.message ?? ""
        #expect(scenario.status?.state == .blocked)
        #expect(message.hasPrefix("Invalid charm config: storage-s3-regionendpoint — no answer from"), "\(message)")
        #expect(
            !scenario.dockerLines.contains {
                $0.hasPrefix("run ") || $0.hasPrefix("container rm ") || $0.hasPrefix("container stop ")
            }
        )
        #expect(scenario.text("/etc/docker/registry/config.yml") == config)
        let probes = scenario.registry.requests.count
        #expect(scenario.registry.requests.last?.request.target.hasPrefix("/images?list-type=2&max-keys=1") == true)
        #expect(scenario.registry.requests.last?.authorization?.hasPrefix("AWS4-HMAC-SHA256 Credential=AK/") == true)

        await scenario.run(.unit(.updateStatus))
        #expect(scenario.registry.requests.count == probes + 1, "update-status probes again")
        #expect(scenario.status?.state == .blocked)
        #expect(!scenario.everythingPrinted.contains("s3-secret-value"))
    }
}
