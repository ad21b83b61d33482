#!/usr/bin/env bash
# Entry of `npm run bench`: raise the open-file limit, then run the TypeScript harness on Node.
set -euo pipefail
cd "$(dirname "$0")/.."
# Idle scenario (c) needs one fd per connection in the server; take all the hard limit allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
want=60000
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
  echo "[bench] open-file limit is $(ulimit -n) (hard limit; raising it needs CAP_SYS_RESOURCE):" \
    "scenario (c) is capped below that" >&2
fi
exec node --import tsx bench/main.ts
