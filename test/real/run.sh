#!/usr/bin/env bash
# npm run test:real: rollgate against real OpenSSH and GlusterFS on this machine. It creates network
# namespaces, a bridge and FUSE mounts and runs sshd and glusterd, so it needs root (CI runs it as root).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "test:real skipped: needs root to create network namespaces and run sshd/glusterd (run as root, as CI does)"
  exit 0
fi

missing=()
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v glusterd >/dev/null 2>&1 || [ -x /usr/sbin/glusterd ] || missing+=(glusterfs-server)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || missing+=(iproute2)
# The major upgrade's test builds a Debian trixie root (GlusterFS 11.1) with it: test/real/helpers/trixie-root.ts.
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test:real: installing ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

cd "$(dirname "$0")/../.."
exec npx vitest run --config vitest.real.config.ts "$@"
