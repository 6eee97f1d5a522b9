#!/usr/bin/env bash
# Builds the real Pulumi engine pieces the engine lane needs from their published Go modules,
# into .engine/ (git-ignored), keyed on the wrapper modules' go.mod/go.sum and the Go version:
# a warm run finds the binaries and does nothing, a run after `go clean -cache` rebuilds from the
# module cache. Then installs the resource plugins into an isolated PULUMI_HOME.
#
# Writes .engine/status.json: what was built (path, version) and what could not be (module,
# reason). The engine tests read it. Exit status: non-zero only when the CLI itself cannot be
# built or a built piece is inconsistent; a module the Go proxy refuses is recorded, not fatal
# (scripts/test-engine.sh decides what that means for the lane).
#
# Environment: ENGINE_DIR (default <repo>/.engine). Build caches (GOCACHE, GOMODCACHE) stay in
# Go's default places.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ENGINE_DIR=${ENGINE_DIR:-$ROOT/.engine}
TOOLS=$ROOT/tools/engine

command -v go >/dev/null || { echo "engine.sh: Go is not installed" >&2; exit 3; }

npm_version() { node -p "require('./node_modules/$1/package.json').version"; }
CLI_VERSION=v$(npm_version @pulumi/pulumi)

# ---------------------------------------------------------------------------------------------
# The plugins: one row each. name | Go module | npm SDK whose version pins it | how it is built.
# Versions come from the npm SDKs (package.json's "pulumi.version" of each SDK equals its
# version). A module the Go module proxy refuses is recorded in status.json with the proxy's
# answer.
PLUGINS=(
  "xenorchestra|github.com/vatesfr/pulumi-xenorchestra/provider|@vates/pulumi-xenorchestra|module main cmd/pulumi-resource-xenorchestra; go.mod replaces terraform-plugin-sdk/v2 with pulumi's fork"
  "random|github.com/pulumi/pulumi-random/provider/v4|@pulumi/random|own main (upstream main embeds a generated schema not in the module)"
  "tls|github.com/pulumi/pulumi-tls/provider/v5|@pulumi/tls|module main cmd/pulumi-resource-tls"
)
# The Node.js language host: untagged module, a pseudo-version at the CLI's release commit.
LANGUAGE_HOST="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
# ---------------------------------------------------------------------------------------------

want=$(cd "$TOOLS/pulumi" && go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/sdk/v3 | sort -u)
if [ "$want" != "$CLI_VERSION" ]; then
  echo "engine.sh: tools/engine/pulumi/go.mod requires pkg/v3 and sdk/v3 at $(echo "$want" | tr '\n' ' ')but @pulumi/pulumi is $CLI_VERSION;" >&2
  echo "  run: (cd tools/engine/pulumi && go get github.com/pulumi/pulumi/pkg/v3@$CLI_VERSION github.com/pulumi/pulumi/sdk/v3@$CLI_VERSION && go mod tidy)" >&2
  exit 2
fi

key=$(cat "$TOOLS"/*/go.mod "$TOOLS"/*/go.sum "$TOOLS"/*/*.go 2>/dev/null | { cat; go version; echo "$CLI_VERSION"; } |
  sha256sum | cut -c1-16)
BIN=$ENGINE_DIR/bin-$key
mkdir -p "$BIN" "$ENGINE_DIR/logs"

refused=()
note_refused() { refused+=("$(printf '{"module":"%s","reason":%s}' "$1" "$(printf '%s' "$2" | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0,"utf8").trim()))')")"); }

# Asks the proxy (through `go`) whether a module is served at all; prints the refusal if not.
probe() {
  local out
  if out=$(cd "$TOOLS/pulumi" && GOFLAGS=-mod=mod go list -m -versions "$1" 2>&1); then return 0; fi
  printf '%s' "$out" | tail -2
  return 1
}

t0=$(date +%s)
if [ ! -x "$BIN/pulumi" ]; then
  echo "engine.sh: building pulumi $CLI_VERSION (cold: several minutes; log $ENGINE_DIR/logs/pulumi.log)"
  (cd "$TOOLS/pulumi" && nice go build -trimpath -buildvcs=false -o "$BIN/pulumi.tmp" \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$CLI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) >"$ENGINE_DIR/logs/pulumi.log" 2>&1 ||
    { cat "$ENGINE_DIR/logs/pulumi.log" >&2; exit 1; }
  mv "$BIN/pulumi.tmp" "$BIN/pulumi"
fi
# Older builds (another go.sum, Go or CLI version) are never used again.
find "$ENGINE_DIR" -maxdepth 1 -name 'bin-*' ! -path "$BIN" -exec rm -rf {} +
got=$("$BIN/pulumi" version)
[ "$got" = "$CLI_VERSION" ] || { echo "engine.sh: built pulumi reports $got, expected $CLI_VERSION" >&2; exit 1; }

# The upstream Node.js language host is refused by the proxy (recorded below); the lane uses the
# project's own minimal host (tools/engine/language-nodejs, see its main.go), same binary name.
if [ ! -x "$BIN/pulumi-language-nodejs" ]; then
  echo "engine.sh: building the project's Node.js language host (tools/engine/language-nodejs)"
  (cd "$TOOLS/language-nodejs" && nice go build -trimpath -buildvcs=false -o "$BIN/pulumi-language-nodejs" \
    -ldflags "-X main.version=$CLI_VERSION" .) >"$ENGINE_DIR/logs/language-nodejs.log" 2>&1 ||
    { cat "$ENGINE_DIR/logs/language-nodejs.log" >&2; exit 1; }
fi
if reason=$(probe "$LANGUAGE_HOST"); then
  echo "engine.sh: note: $LANGUAGE_HOST is served now; consider building upstream's host instead" >&2
else
  note_refused "$LANGUAGE_HOST" "$reason"
fi

plugins_json=()
for row in "${PLUGINS[@]}"; do
  IFS='|' read -r name module npm how <<<"$row"
  version=$(npm_version "$npm")
  if [ -x "$BIN/pulumi-resource-$name" ]; then
    plugins_json+=("$(printf '{"name":"%s","version":"%s","path":"%s"}' "$name" "$version" "$BIN/pulumi-resource-$name")")
  elif reason=$(probe "$module"); then
    note_refused "$module" "served, but no wrapper module yet ($how)"
  else
    note_refused "$module@$version" "$reason"
  fi
done
t1=$(date +%s)

# Isolated plugin home: only what was built here, nothing ambient, nothing downloaded.
export PULUMI_HOME=$ENGINE_DIR/home PULUMI_IGNORE_AMBIENT_PLUGINS=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_SKIP_UPDATE_CHECK=true
mkdir -p "$PULUMI_HOME"
for p in "${plugins_json[@]}"; do
  name=$(node -p "JSON.parse(process.argv[1]).name" "$p")
  version=$(node -p "JSON.parse(process.argv[1]).version" "$p")
  "$BIN/pulumi" plugin install resource "$name" "$version" --file "$BIN/pulumi-resource-$name" >/dev/null
done

join() { local IFS=,; echo "$*"; }
cat >"$ENGINE_DIR/status.json" <<EOF
{
  "cli": { "version": "$CLI_VERSION", "path": "$BIN/pulumi" },
  "languageHost": { "path": "$BIN/pulumi-language-nodejs", "upstream": false },
  "binDir": "$BIN",
  "pulumiHome": "$PULUMI_HOME",
  "plugins": [$(join "${plugins_json[@]}")],
  "refused": [$(join "${refused[@]}")],
  "buildSeconds": $((t1 - t0))
}
EOF
echo "engine.sh: pulumi $CLI_VERSION in $BIN ($((t1 - t0)) s); ${#plugins_json[@]} plugin(s) built, ${#refused[@]} module(s) not available (see $ENGINE_DIR/status.json)"
