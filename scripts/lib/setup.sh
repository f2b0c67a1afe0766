# Shared by scripts/demo.sh and scripts/test.sh: install what is missing, nothing more.

export NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false

log() { printf '\033[1;34m[linli]\033[0m %s\n' "$*"; }

# npm dependencies at the versions of the lock file, when absent or older than it. `npm ci`
# would refuse the lock: some optional, other-platform packages (Taro's macOS and Windows
# bindings) are not on every registry mirror, so they cannot be recorded in it.
ensure_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "Installing npm dependencies"
    npm install --no-audit --no-fund
  fi
}

# Runs a command as root, through sudo when we are not root.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian's chromium, which the browser tests drive (never a downloaded browser), and a
# Chinese font so that screenshots read as a shopper sees them.
ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1 || [ ! -d /usr/share/fonts/truetype/wqy ]; then
    log "Installing Debian chromium and a Chinese font"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  fi
  export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium)}"
}

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() {
  node -e "const s=require('net').connect({host:process.argv[1],port:+process.argv[2]});s.setTimeout(1000);s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));s.on('timeout',()=>process.exit(1))" "$1" "$2"
}

# free_port: a TCP port nobody listens on right now.
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
