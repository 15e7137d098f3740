#!/bin/sh
# The entrypoint of the test images laid out like the official registry:2 and registry:3 images
# (scripts/test-env.sh copies it to /entrypoint.sh). POSIX sh: the images have only busybox's sh.
# The documented dispatch rule of the official images:
#   <file>.yml | <file>.yaml [args…]       -> registry serve <file> [args…]
#   serve | garbage-collect | help | -… …  -> registry <args…>
#   anything else                           -> run the arguments as a command
# It always execs, so the registry (or the command) is the container's main process and gets its signals.
set -e

case "${1:-}" in
    *.yml | *.yaml)
        set -- registry serve "$@"
        ;;
    serve | garbage-collect | help | -*)
        set -- registry "$@"
        ;;
esac

exec "$@"
