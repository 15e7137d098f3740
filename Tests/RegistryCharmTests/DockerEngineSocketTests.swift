import Foundation
import JujuKit
import RegistryCharm
import Testing

@Suite("Docker engine socket")
struct DockerEngineSocketTests {
    @Test("the socket the CLI would use: DOCKER_HOST's unix path, else the default; none for tcp or a missing one")
    func located() {
        let all: (String) -> Bool = { _ in true }
        #expect(DockerEngineSocket.located(dockerHost: nil, exists: all)?.path == "/var/run/docker.sock")
        #expect(DockerEngineSocket.located(dockerHost: "", exists: all)?.path == "/var/run/docker.sock")
        #expect(DockerEngineSocket.located(dockerHost: "unix:///run/d.sock", exists: all)?.path == "/run/d.sock")
        #expect(DockerEngineSocket.located(dockerHost: "tcp://127.0.0.1:2375", exists: all) == nil)
        #expect(DockerEngineSocket.located(dockerHost: "unix://relative.sock", exists: all) == nil)
        #expect(DockerEngineSocket.located(dockerHost: nil, exists: { _ in false }) == nil)
    }
}
