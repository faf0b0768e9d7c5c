#!/usr/bin/env bash
# Build (or reuse) the UML 6.1 test kernel and its modules in the cache folder.
exec "$(dirname "$0")/kernel-build.sh" uml
