import JujuKit
import Testing

@Suite("Dispatch path parsing")
struct HookEventTests {
    static let unitHooks = UnitHook.allCases.map(\.rawValue)
    static let endpoints = ["docker-registry", "website", "nrpe-external-master", "cert-provider", "peer"]
    static let actions = [
        "images", "push", "rmi", "start", "stop", "clean-containers", "clean-images", "debug", "upgrade-docker",
    ]

    @Test("every unit hook parses to itself", arguments: unitHooks)
    func unitHook(name: String) throws {
        let event = try #require(HookEvent(dispatchPath: "hooks/\(name)"))
        #expect(event == .unit(try #require(UnitHook(rawValue: name))))
        #expect(event.name == name)
        #expect(event.dispatchPath == "hooks/\(name)")
        #expect(!event.isAction)
    }

    @Test("every relation hook of every endpoint parses", arguments: endpoints)
    func relationHooks(endpoint: String) throws {
        for kind in RelationHookKind.allCases {
            let event = try #require(HookEvent(dispatchPath: "hooks/\(endpoint)-relation-\(kind.rawValue)"))
            #expect(event == .relation(endpoint: endpoint, kind: kind))
            #expect(event.name == "\(endpoint)-relation-\(kind.rawValue)")
        }
    }

    @Test("every action parses", arguments: actions)
    func action(name: String) throws {
        let event = try #require(HookEvent(dispatchPath: "actions/\(name)"))
        #expect(event == .action(name))
        #expect(event.isAction)
        #expect(event.dispatchPath == "actions/\(name)")
    }

    @Test("storage and secret hooks parse")
    func storageAndSecrets() {
        #expect(HookEvent(dispatchPath: "hooks/data-storage-attached") == .storage(name: "data", kind: .attached))
        #expect(HookEvent(dispatchPath: "hooks/data-storage-detaching") == .storage(name: "data", kind: .detaching))
        #expect(HookEvent(dispatchPath: "hooks/secret-changed") == .secret(.changed))
        #expect(HookEvent(dispatchPath: "hooks/secret-rotate") == .secret(.rotate))
    }

    @Test(
        "unknown or malformed paths are rejected",
        arguments: [
            "", "hooks", "hooks/", "hooks/bogus", "hooks/-relation-joined", "hooks/x-relation-exploded", "foo/install",
            "actions/Push", "actions/-push", "actions/push-", "hooks/install/extra",
        ]
    )
    func rejected(path: String) {
        #expect(HookEvent(dispatchPath: path) == nil)
    }
}

@Suite("Hook context from the environment")
struct HookContextTests {
    let base = [
        "JUJU_UNIT_NAME": "docker-registry/3", "JUJU_MODEL_NAME": "m", "JUJU_MODEL_UUID": "u", "JUJU_VERSION": "3.6.4",
        "JUJU_CHARM_DIR": "/var/lib/juju/agents/unit-docker-registry-3/charm",
    ]

    @Test("reads the dispatch path and the unit")
    func dispatchPath() throws {
        var environment = base
        environment["JUJU_DISPATCH_PATH"] = "hooks/website-relation-joined"
        environment["JUJU_RELATION_ID"] = "website:7"
        environment["JUJU_REMOTE_UNIT"] = "haproxy/0"
        environment["JUJU_REMOTE_APP"] = "haproxy"
        let context = try HookContext(environment: environment, arguments: ["./dispatch"])
        #expect(context.event == .relation(endpoint: "website", kind: .joined))
        #expect(context.applicationName == "docker-registry")
        #expect(context.unitNumber == 3)
        #expect(context.relationID == "website:7")
        #expect(context.remoteUnit == "haproxy/0")
        #expect(context.remoteApp == "haproxy")
        #expect(context.charmDirectory == "/var/lib/juju/agents/unit-docker-registry-3/charm")
    }

    @Test("falls back to argv[0] for legacy hook and action links")
    func legacyLinks() throws {
        let hook = try HookContext(environment: base, arguments: ["/charm/hooks/config-changed"])
        #expect(hook.event == .unit(.configChanged))
        let action = try HookContext(environment: base, arguments: ["actions/push"])
        #expect(action.event == .action("push"))
    }

    @Test("an empty remote unit reads as none, as Juju sends it for -created and -broken")
    func emptyRemoteUnit() throws {
        var environment = base
        environment["JUJU_DISPATCH_PATH"] = "hooks/peer-relation-created"
        environment["JUJU_REMOTE_UNIT"] = ""
        let context = try HookContext(environment: environment, arguments: [])
        #expect(context.remoteUnit == nil)
    }

    @Test("missing unit name and unknown events are typed errors")
    func errors() {
        #expect(throws: HookContextError.missingVariable("JUJU_UNIT_NAME")) {
            try HookContext(environment: ["JUJU_DISPATCH_PATH": "hooks/install"], arguments: [])
        }
        var environment = base
        environment["JUJU_DISPATCH_PATH"] = "hooks/not-a-hook"
        #expect(throws: HookContextError.unknownEvent("hooks/not-a-hook")) {
            try HookContext(environment: environment, arguments: [])
        }
    }

    @Test("the model proxy settings are read, empty ones as unset")
    func proxy() throws {
        var environment = base
        environment["JUJU_DISPATCH_PATH"] = "hooks/install"
        environment["JUJU_CHARM_HTTP_PROXY"] = "http://proxy:3128"
        environment["JUJU_CHARM_NO_PROXY"] = ""
        let context = try HookContext(environment: environment, arguments: [])
        #expect(context.proxy.http == "http://proxy:3128")
        #expect(context.proxy.noProxy == nil)
    }
}
