#!/usr/bin/env bash
# Install ML-GLASS build and run dependencies from Debian 12 packages (run as root).
# Idempotent: apt-get skips what is already installed; the deb-src entry is added once.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config dpkg-dev git
  clang-format    # the format.styles test: src/ML-GLASS in LAMMPS' own clang-format style
  libopenmpi-dev openmpi-bin
  libtorch-dev libopenblas0-openmp
  libtrilinos-kokkos-dev
  libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev zlib1g-dev
  libssl-dev      # SHA-256 of the provenance record of mlglass export (OpenSSL libcrypto)
  python3 python3-numpy python3-matplotlib
  python3-torch   # bench_glass_mpnn compares C++ inference with PyTorch in Python
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: must run as root (apt-get install)" >&2
  exit 1
fi

# deb-src for bookworm from the mirror the machine already uses, so `apt-get source lammps` works.
SRC_LIST=/etc/apt/sources.list.d/mlglass-deb-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  cat > "$SRC_LIST" <<SRC
Types: deb-src
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  NEED_UPDATE=1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] || [ -n "${NEED_UPDATE:-}" ] || [ ! -d /var/lib/apt/lists ] || \
   [ -z "$(ls /var/lib/apt/lists/*Sources 2>/dev/null)" ]; then
  apt-get update -q
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps.sh: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
echo "install-deps.sh: all dependencies present"
