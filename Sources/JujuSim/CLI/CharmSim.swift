import Foundation
import JujuKit

/// The `charm-sim` executable: a hook tool when invoked through a tool-named symlink, else the operator CLI.
public enum CharmSim {
    /// Runs with the process arguments (`argv[0]` included) and returns the exit code.
    public static func main(_ arguments: [String]) -> Int32 {
        let name = ((arguments.first ?? "charm-sim") as NSString).lastPathComponent
        if name != "charm-sim", ToolRegistry.tools[name] != nil {
            return ToolMain.run(name: name, arguments: Array(arguments.dropFirst()))
        }
        return CLI.run(Array(arguments.dropFirst()))
    }
}

/// The operator CLI.
enum CLI {
    static let synopsis = """
        usage: charm-sim [--state-dir DIR] <command> [args]

        commands:
          deploy <charm-dir> [--app NAME] [--unit-count N] [--config FILE.yaml] [--juju-version 2.9|3.6|4.0] [k=v…]
          deploy-refreshed <charm-dir> [--leader-settings FILE.yaml] [deploy's flags] [k=v…]
          config [k=v…] [--reset k1,k2] [--format yaml|json]
          run <action> [--unit U] [--params FILE.yaml] [--string-args] [--format plain|yaml|json] [k=v…]
          add-unit [--count N]
          remove-unit <unit> [<unit>…]
          set-machine <machine> FILE.yaml
          relate <endpoint> <remote-app> [--units N] [--scope global|container] [--unit-data FILE.yaml]
                 [--app-data FILE.yaml] [--format json]
          set-relation-data <rel-id> <unit-or-app> (FILE.yaml | k=v…)
          relation-data <rel-id>
          unrelate <rel-id>
          status [--format yaml|json]
          hook <name> [--unit U] [--relation ID] [--remote-unit U] [--secret ID|NAME [--revision N]]
          update-status
          upgrade [<charm-dir>]
          remove
          resolve [--unit U] [--no-retry]
          set-leader <unit> | set-leader true|false [--unit U]
          log [--unit U] [--format text|json]
          history [--unit U] [--format yaml|json]
          add-secret <name> [key[#base64|#file]=value…] [--info TEXT] [--file FILE.yaml]
          update-secret <name|id> [key[#base64|#file]=value…] [--info TEXT] [--name NEW] [--file FILE.yaml]
                 [--auto-prune]
          grant-secret <name|id> <application>[,<application>…]
          revoke-secret <name|id> <application>[,<application>…]
          remove-secret <name|id> [--revision N]
          secrets [--format tabular|yaml|json] [--owner application-A|unit-A-N] [--revisions]
          show-secret <name|id> [--reveal] [--revisions] [--revision N] [--format yaml|json]

        add-unit: new non-leader units (install, relation-created, leader-settings-changed on 3.x, config-changed,
          start), then peer joins on both sides and joins of every existing relation. Prints the new unit names.
        remove-unit: the unit departs every relation (JUJU_DEPARTING_UNIT = itself; -broken except for peers), then
          stop, remove; the others get peer -departed; a removed leader's leadership moves to the lowest unit number.
        set-leader <unit>: leadership moves there (leader-elected; leader-settings-changed on the others on 3.x).
        relate: --scope container (or an endpoint with scope: container) gives each local unit its own subordinate
          <remote-app>/<its unit number>, seen only by it; --units does not apply then (default 1 otherwise).
          --unit-data FILE is either one map for every remote unit, or, when every top-level key is a unit of
          <remote-app> (e.g. "easyrsa/0") and every value a map, one map per remote unit (--units defaults to the
          highest unit number named + 1). Mixing the two forms is an error.
        deploy-refreshed: units another charm installed and started (config and, on 2.9/3.x, leader settings as it
          left them; peers joined; no state of this charm), refreshed to <charm-dir>: upgrade-charm, config-changed,
          leader-settings-changed on non-leaders (3.x), start.
        set-machine: unit N lives on machine N; FILE.yaml gives that machine's `address` (the units' private and
          public address), `environment` (added to their hooks and actions) and `command-prefix` (a list: the hook
          runs as prefix + [hook], e.g. nsenter into a network namespace). Set it before the unit exists.
        remove: the application goes: every unit departs every relation (as remove-unit), then stop, remove.
        add-secret … show-secret: user secrets (Juju 3.3+), as the juju verbs of the same names; add-secret prints
          secret:<id>. update-secret with new content makes a revision and queues secret-changed on every unit
          that read (tracks) an older one. A config option of type secret takes the URI (config opt=secret:<id>).
        hook secret-changed|secret-remove|secret-rotate|secret-expired --secret ID|NAME: runs a secret hook now
          (JUJU_SECRET_REVISION from --revision, else the latest where the hook has one). update-status first
          queues the secret-rotate and secret-expired hooks that fell due.

        The state directory is --state-dir, else $CHARM_SIM_HOME, else ./.charm-sim.
        """

    private static let globalFlags: [FlagSpec] = [
        .value("state-dir"), .value("format"), .value("app"), .value("unit-count"), .value("config"),
        .value("juju-version"), .value("reset"), .value("unit"), .value("params"), .bool("string-args"),
        .value("units"), .value("unit-data"), .value("app-data"), .value("relation"), .value("remote-unit"),
        .bool("no-retry"), .value("count"), .value("scope"), .value("leader-settings"), .value("info"),
        .value("name"), .bool("reveal"), .bool("revisions"), .value("revision"), .value("file"), .value("owner"),
        .bool("auto-prune"), .value("secret"),
    ]

    /// Parses and runs one command.
    static func run(_ arguments: [String]) -> Int32 {
        let parsed: ParsedArguments
        do {
            parsed = try FlagParser.parse(arguments, specs: globalFlags)
        } catch {
            if error == .help {
                print(synopsis)
                return 0
            }
            if case .usage(let message) = error { return fail(2, message) }
            return fail(2, "\(error)")
        }
        guard let command = parsed.positionals.first else {
            print(synopsis)
            return 2
        }
        if command == "help" {
            print(synopsis)
            return 0
        }
        let paths = SimPaths.resolve(flag: parsed.value("state-dir"))
        do {
            try FileManager.default.createDirectory(atPath: paths.root, withIntermediateDirectories: true)
            return try JSONFile.withLock(paths.lock) {
                let simulator = try Simulator(paths: paths)
                let code = try Commands.run(
                    command,
                    arguments: Array(parsed.positionals.dropFirst()),
                    flags: parsed,
                    simulator: simulator
                )
                try simulator.save()
                if code == 0 && !simulator.failures.isEmpty { return 1 }
                return code
            }
        } catch let error as SimError {
            return fail(error.message.hasPrefix("usage: ") ? 2 : 1, error.message)
        } catch {
            return fail(1, "\(error)")
        }
    }

    /// Prints `ERROR <message>` and returns `code`.
    static func fail(_ code: Int32, _ message: String) -> Int32 {
        FileHandle.standardError.write(Data("ERROR \(message)\n".utf8))
        return code
    }

    /// Writes text to stdout.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
