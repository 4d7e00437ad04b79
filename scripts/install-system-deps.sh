#!/usr/bin/env bash
# Installs the system packages Interview Copilot needs to build, run and test on Debian 12.
# Idempotent: skips apt when every package is already installed.
set -euo pipefail
packages=(
  # Tauri 2 (webkit window)
  libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config
  # whisper-rs (cmake, libclang for bindgen), cpal (ALSA), nokhwa (libclang)
  libclang-dev clang cmake libasound2-dev
  # tests: virtual display, screenshots, WebDriver, keychain, generated speech
  xvfb xauth imagemagick webkit2gtk-driver dbus dbus-x11 gnome-keyring libsecret-tools
  espeak-ng sox jq unzip poppler-utils time
  # CJK glyphs in the window, in screenshots and in PDF reports; a Latin-only font for the PDF tests
  fonts-wqy-microhei fonts-dejavu-core
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "system packages: all present"
  exit 0
fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "system packages: installing ${missing[*]}"
for attempt in 1 2 3; do
  if $sudo apt-get update -qq -o DPkg::Lock::Timeout=600 &&
     DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
       -o DPkg::Lock::Timeout=600 "${missing[@]}"; then
    exit 0
  fi
  echo "apt-get failed (attempt $attempt), retrying in 10 s" >&2
  sleep 10
done
echo "error: could not install system packages: ${missing[*]}. Run scripts/install-system-deps.sh as root with network access to the Debian mirrors." >&2
exit 1
