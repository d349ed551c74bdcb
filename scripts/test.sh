#!/usr/bin/env bash
# The one test entry point: `npm test` (fast suite) and `npm run test:stress` (slow suite).
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
  files=$(find packages scripts -path '*/node_modules' -prune -o -path '*/test/*' -name '*.test.ts' -not -path '*/test/stress/*' -print | sort)
else
  files=$(find packages -path '*/node_modules' -prune -o -path '*/test/stress/*' -name '*.test.ts' -print | sort)
fi

if [ -z "$files" ]; then
  echo "no test files found for mode $mode" >&2
  exit 1
fi

# Tests run straight from src/ (the fishaudio-source export condition maps package names to
# their TypeScript sources); the CLI and packaging tests use the built dist/ on purpose.
# shellcheck disable=SC2086
NO_COLOR=1 exec node --conditions=fishaudio-source --import tsx --test \
  --test-concurrency=2 --test-timeout=300000 --test-reporter=spec $files
