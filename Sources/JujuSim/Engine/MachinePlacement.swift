import Foundation
import JujuKit

/// Machines: `set-machine` records what a machine gives its units; units created on it take its address, and their
/// hooks and actions run with its environment and command prefix.
extension Simulator {
    /// `set-machine <id> FILE.yaml`: records the machine's settings for units placed on it later.
    ///
    /// A machine that already hosts a live unit is refused: its address is in relation data already, and Juju does not
    /// move a unit to another machine.
    func setMachine(_ id: String, _ machine: SimMachine) throws {
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else { throw SimError("usage: machine id must be a number") }
        if let unit = model.units.first(where: { $0.machine == id && !$0.removed }) {
            throw SimError("machine \(id) already hosts \(unit.name); set machines before deploy or add-unit")
        }
        var machines = model.machines ?? [:]
        machines[id] = machine
        model.machines = machines
    }

    /// The settings of the machine `unit` is on (empty when none were set).
    func machine(of unit: SimUnit) -> SimMachine {
        model.machines?[unit.machine] ?? SimMachine()
    }

    /// Gives a new unit its machine's address.
    func place(_ unit: inout SimUnit) {
        guard let address = machine(of: unit).address else { return }
        unit.privateAddress = address
        unit.publicAddress = address
    }
}
