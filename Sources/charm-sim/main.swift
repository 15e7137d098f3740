import JujuSim

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

exit(CharmSim.main(CommandLine.arguments))
