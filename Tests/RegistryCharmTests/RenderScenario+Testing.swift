public import RegistryCharmTesting
public import Testing

/// Golden tests print each scenario by its fixture name.
extension RenderScenario: CustomTestStringConvertible {
    /// The fixture name.
    public var testDescription: String { name }
}
