#!/usr/bin/env bash
# The Node.js release this project deploys, benchmarks and runs CI on: the version in .nvmrc (ADR 0024).
#
#   bash scripts/node-runtime.sh               prints the folder holding that release's `node`
#   bash scripts/node-runtime.sh CMD [ARG...]  runs CMD with that folder first on PATH
#
# When the `node` on PATH is already that version, it is used as it is. Otherwise the release is fetched once
# from the npm registry (nodejs.org's build, republished as the `node-<os>-<cpu>` package; `npm pack` checks it
# against the registry's integrity hash, and this script against the hash recorded in scripts/node-integrity) into
# .cache/node/, where later calls find it. Nothing but the npm registry is contacted. Exit code 2 when this platform
# has no such package, no recorded hash, or the fetch fails or does not match.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(tr -d ' \r\n' < "$root/.nvmrc")"
version="${version#v}"

fail() {
  echo "node-runtime: $*" >&2
  exit 2
}

scratch=""

bin_dir() {
  local current
  current="$(command -v node || true)"
  if [ -n "$current" ] && [ "$(node --version)" = "v$version" ]; then
    dirname "$current"
    return
  fi
  local os cpu
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) fail "no Node.js $version package for $(uname -s); install Node.js $version yourself and put it first on PATH" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) cpu=x64 ;;
    aarch64 | arm64) cpu=arm64 ;;
    *) fail "no Node.js $version package for $(uname -m); install Node.js $version yourself and put it first on PATH" ;;
  esac
  local package="node-$os-$cpu" dir="$root/.cache/node/node-$os-$cpu-$version"
  if [ ! -x "$dir/bin/node" ]; then
    mkdir -p "$root/.cache/node"
    scratch="$(mktemp -d "$root/.cache/node/fetch.XXXXXX")"
    # A fetch that fails half-way leaves nothing behind: the folder is moved into place only when complete.
    trap 'rm -rf "${scratch:-}"' EXIT
    echo "node-runtime: fetching Node.js $version ($package) from the npm registry" >&2
    local pinned actual
    pinned="$(awk -v want="$package@$version" '$1 == want { print $2 }' "$root/scripts/node-integrity")"
    [ -n "$pinned" ] || fail "scripts/node-integrity records no hash for $package@$version; add the line from: npm view $package@$version dist.integrity"
    (cd "$scratch" && npm pack --silent "$package@$version" > /dev/null) || fail "npm pack $package@$version failed"
    actual="sha512-$(openssl dgst -sha512 -binary "$scratch/$package-$version.tgz" | base64 -w0)"
    [ "$actual" = "$pinned" ] || fail "$package@$version from the registry is not the package recorded in scripts/node-integrity ($actual, expected $pinned); not used"
    mkdir -p "$scratch/unpacked"
    tar -xzf "$scratch/$package-$version.tgz" -C "$scratch/unpacked" --strip-components=1
    [ "$("$scratch/unpacked/bin/node" --version)" = "v$version" ] || fail "$package@$version does not hold Node.js $version"
    rm -rf "$dir"
    mv "$scratch/unpacked" "$dir"
  fi
  echo "$dir/bin"
}

dir="$(bin_dir)"
if [ "$#" -eq 0 ]; then
  echo "$dir"
else
  export PATH="$dir:$PATH"
  exec "$@"
fi
