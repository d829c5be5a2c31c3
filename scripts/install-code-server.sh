#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3 served to a browser) plus Debian's chromium and ripgrep,
# for the end-to-end UI tests (test/e2e) and the extension-host tests (test/vscode). Debian packages are installed
# only when missing (apt-get --no-upgrade --no-install-recommends): nothing already installed is upgraded.
#
# Idempotent: reuses an existing install when `code-server --version` works. Installs into
#   ${EGRESS_GUARD_CACHE:-<repo>/.cache}/code-server
# which is outside the project's dependencies (.cache/ is git-ignored).
# Follows /work/shared/notes/vscode-in-a-browser.md: code-server's postinstall downloads ripgrep from GitHub,
# which is not reachable here, so scripts are skipped and the native modules are rebuilt by hand.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${EGRESS_GUARD_CACHE:-$REPO/.cache}"
PREFIX="$CACHE/code-server"
PKG="$PREFIX/node_modules/code-server"
BIN="$PKG/out/node/entry.js"
LAUNCHER="$PREFIX/bin/code-server"

log() { printf '[install-code-server] %s\n' "$*" >&2; }
die() { printf '[install-code-server] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'printf "[install-code-server] FAILED (exit %s) at line %s: %s\n" "$?" "$LINENO" "$BASH_COMMAND" >&2' ERR

start=$(date +%s)

# ---------------------------------------------------------------- Debian packages
need_pkgs=()
for p in chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config make g++ python3; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    need_pkgs+=("$p")
  fi
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "apt-get not found; install manually: ${need_pkgs[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "not root and no sudo; install manually: ${need_pkgs[*]}"
    SUDO="sudo"
  fi
  log "installing Debian packages: ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  # Only what is missing: --no-upgrade leaves installed packages (and so the rest of the system) at their versions.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends --no-upgrade "${need_pkgs[@]}" >&2
else
  log "Debian packages present (chromium, ripgrep, build libs)"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing after apt-get install"
RG="$(command -v rg)" || die "rg (ripgrep) missing after apt-get install"

# ---------------------------------------------------------------- reuse
write_launcher() {
  mkdir -p "$PREFIX/bin"
  cat >"$LAUNCHER" <<EOF
#!/usr/bin/env sh
exec node "$BIN" "\$@"
EOF
  chmod +x "$LAUNCHER"
}

# `code-server --version` prints "4.100.3 <commit> with Code 1.100.3" (plus log lines on first run).
cs_version() { "$LAUNCHER" --config "$PREFIX/config.yaml" --version 2>/dev/null | grep -m1 -E '^[0-9]+\.[0-9]+\.[0-9]+ '; }

if [ -f "$BIN" ] && [ -f "$PREFIX/.install-complete" ]; then
  write_launcher
  if v="$(cs_version)" && [[ "$v" == "$CODE_SERVER_VERSION"* ]]; then
    log "reusing $PREFIX ($v)"
    echo "$LAUNCHER"
    exit 0
  fi
  log "existing install at $PREFIX does not work (got: ${v:-nothing}); reinstalling"
fi

# ---------------------------------------------------------------- install
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = "20" ] || log "warning: code-server $CODE_SERVER_VERSION expects Node 20, found $(node -v)"

rm -rf "$PREFIX"
mkdir -p "$PREFIX"
cd "$PREFIX"
echo '{"name":"egress-guard-code-server-cache","private":true}' >package.json
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

log "1/6 npm install --ignore-scripts code-server@$CODE_SERVER_VERSION into $PREFIX"
npm install --no-save --ignore-scripts --no-package-lock "code-server@$CODE_SERVER_VERSION" >&2

VS="$PKG/lib/vscode"
[ -d "$VS" ] || die "$VS missing: unexpected code-server package layout"

log "2/6 installing VS Code server dependencies (lib/vscode)"
(cd "$VS" && npm install --omit=dev --ignore-scripts --no-package-lock >&2)

log "3/6 rebuilding native modules (kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid)"
(cd "$VS" && npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid >&2)

log "4/6 wiring ripgrep ($RG) and helper links"
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
cp "$RG" "$VS/node_modules/@vscode/ripgrep/bin/rg"
ln -sfn node_modules "$VS/node_modules.asar"
(cd "$VS/bin/remote-cli" && ln -sfn code-linux.sh code-server)
(cd "$VS/bin/helpers" && ln -sfn browser-linux.sh browser.sh)

log "5/6 installing built-in extensions' dependencies (lib/vscode/extensions)"
(cd "$VS/extensions" && npm install --omit=dev --ignore-scripts --no-package-lock >&2)

log "6/6 rebuilding argon2"
(cd "$PREFIX" && npm rebuild argon2 >&2)

write_launcher
v="$(cs_version)" || die "code-server --version failed: $("$LAUNCHER" --config "$PREFIX/config.yaml" --version 2>&1 | tail -20)"
[[ "$v" == "$CODE_SERVER_VERSION"* ]] || die "unexpected code-server --version output: $v"
touch "$PREFIX/.install-complete"
log "installed $v in $(( $(date +%s) - start ))s"
echo "$LAUNCHER"
