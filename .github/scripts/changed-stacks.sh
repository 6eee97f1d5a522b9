#!/usr/bin/env bash
# Which stacks a change touches, as a JSON array for a GitHub Actions matrix (docs/ci.md).
#
#   git diff --name-only BASE HEAD | .github/scripts/changed-stacks.sh [--root DIR] [--all] [--only prod|nonprod]
#
# A thin wrapper: the mapping is `fleet changed-stacks` (fleet/changedStacks.ts), which reads each
# stack's environment and use case with the program's own config loader and fails closed (a stack
# whose environment cannot be determined counts as prod). Needs npm ci (tsx); without it the
# script fails instead of guessing. Exit 2 on a usage error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tsx="$here/../../node_modules/.bin/tsx"
if [[ ! -x "$tsx" ]]; then
  echo "changed-stacks: $tsx not found: run npm ci first" >&2
  exit 2
fi
exec "$tsx" "$here/../../bin/fleet.ts" changed-stacks "$@"
