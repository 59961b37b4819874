#!/bin/sh
# Installs tools/solc-shim.js as solc-v<version> in $SOLCX_BINARY_PATH, where py-solc-x,
# brownie and slither look for compilers.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${SOLCX_BINARY_PATH:?SOLCX_BINARY_PATH must name the compiler folder}
version=$(node -p "require('$here/node_modules/solc/package.json').version")
mkdir -p "$dir"
target="$dir/solc-v$version"
printf '#!/bin/sh\nexec node "%s/tools/solc-shim.js" "$@"\n' "$here" > "$target.tmp"
chmod +x "$target.tmp"
mv "$target.tmp" "$target"
"$target" --version | tail -1
