/// The fixture charm: metadata, config, actions and a bash `dispatch` that sources `handlers/<name>`.
enum Fixture {
    static let metadata = """
        name: demo
        summary: a fixture charm
        description: drives charm-sim's conformance tests
        provides:
          website: {interface: http}
        requires:
          db: {interface: pgsql}
        peers:
          peer: {interface: demo-peer}
        extra-bindings:
          public: {}

        """

    static let config = """
        options:
          port: {type: int, default: 5000, description: listen port}
          name: {type: string, default: ""}
          secret: {type: string, description: no default}
          debug: {type: boolean, default: false}
          ratio: {type: float, default: 1.0}

        """

    static let actions = """
        push:
          description: push an image
          params:
            image: {type: string}
            pull: {type: boolean, default: true}
            count: {type: integer, default: 1, minimum: 1}
            mode: {type: string, enum: [fast, slow], default: fast}
          required: [image]
        noop:
          description: does nothing

        """

    static let dispatch = """
        #!/bin/bash
        name="${JUJU_DISPATCH_PATH##*/}"
        if [ -f "handlers/$name" ]; then . "handlers/$name"; fi

        """
}
