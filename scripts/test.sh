#!/usr/bin/env bash
# The one test entry point: `npm test` (fast suite), `npm run test:stress` (slow suite) and
# `npm run test:matrix` (the SDK on every runtime and browser).
# Lint, types and packaging are part of the test: a green run means all of them hold.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-fast}"

# The Debian packages the engines need: installed here when missing, or one line on what to do.
bash scripts/setup.sh

if [ "$mode" = "fast" ]; then
  npx biome ci --colors=off .
  npm run typecheck
  npm run build
  npm run check:package
  files=$(find packages scripts -path '*/node_modules' -prune -o -path '*/test/*' -name '*.test.ts' -not -path '*/test/stress/*' -not -path '*/test/runtimes/*' -print | sort)
elif [ "$mode" = "matrix" ]; then
  # The SDK on every runtime and in browsers (installs the runtimes from npm on first use).
  files=$(find packages -path '*/node_modules' -prune -o -path '*/test/runtimes/*' -name '*.test.ts' -print | sort)
else
  files=$(find packages -path '*/node_modules' -prune -o -path '*/test/stress/*' -name '*.test.ts' -print | sort)
fi

# Per test file, a guard against hangs, not a speed check: the pocketsphinx files need about a
# minute of CPU, which on a 2-core machine at load average 12 stretched past 300 s; the matrix
# file runs nine runtimes one after another.
timeout=900000
[ "$mode" = "matrix" ] && timeout=3600000

if [ -z "$files" ]; then
  echo "no test files found for mode $mode" >&2
  exit 1
fi

# Tests run straight from src/ (the fishaudio-source export condition maps package names to
# their TypeScript sources); the CLI and packaging tests use the built dist/ on purpose.
# shellcheck disable=SC2086
NO_COLOR=1 exec node --conditions=fishaudio-source --import tsx --test \
  --test-concurrency=2 --test-timeout="$timeout" --test-reporter=spec $files
