#!/usr/bin/env bash
# Installs what Avatar Studio needs to run and to be tested, then exits.
# Idempotent: when every package is there and the venv matches pyproject.toml it returns in well under a second.
# On Debian as root it installs; anywhere else it prints exactly what is missing and how to get it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.bootstrap-stamp"

# libvlc + plugins (RTMP/H.264/AAC playback), ffmpeg, nginx-rtmp, espeak-ng, a virtual X server, the xcb/EGL
# libraries Qt's xcb plugin loads, and a user-mode PulseAudio for microphone tests.
# See shared platform recipes: the full `vlc` package would drag in a Qt5 GUI, so only the library and plugins.
APT_PACKAGES=(
    libvlc5 vlc-plugin-base vlc-plugin-video-output
    ffmpeg sox nginx libnginx-mod-rtmp espeak-ng fonts-dejavu-core
    xvfb xauth
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0
    libxcb-randr0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3
    pulseaudio pulseaudio-utils
)

missing_packages() {
    local pkg status
    for pkg in "${APT_PACKAGES[@]}"; do
        status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
        [[ "$status" == "installed" ]] || printf '%s\n' "$pkg"
    done
}

python_bin() {
    local candidate
    for candidate in python3.11 python3.12 python3.13 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

is_debian() { [[ -f /etc/debian_version ]] && command -v apt-get >/dev/null 2>&1; }

install_system_packages() {
    local -a missing
    mapfile -t missing < <(missing_packages)
    local py
    py="$(python_bin || true)"
    if [[ -z "$py" ]]; then
        missing+=(python3)
    elif ! "$py" -c 'import ensurepip, venv' 2>/dev/null; then
        missing+=(python3-venv)
    fi
    ((${#missing[@]} == 0)) && return 0

    if is_debian && [[ "$(id -u)" == 0 ]]; then
        echo "bootstrap: installing ${#missing[@]} Debian package(s): ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        # A fresh machine has empty package lists; an old list may miss current versions.
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
        return 0
    fi

    echo "bootstrap: these system packages are missing: ${missing[*]}" >&2
    if is_debian; then
        echo "bootstrap: install them as root with:" >&2
        echo "    sudo apt-get update && sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    else
        echo "bootstrap: this is not Debian; install the equivalents of the Debian packages above" >&2
        echo "bootstrap: (libVLC 3 with its base plugins, FFmpeg, nginx with the RTMP module, espeak-ng," >&2
        echo "bootstrap:  Xvfb, the xcb/EGL libraries for Qt 6, PulseAudio) and Python >= 3.11 with venv." >&2
    fi
    exit 1
}

install_python_env() {
    local want have=""
    want="$(cat "$ROOT/pyproject.toml" "$0" | sha256sum | cut -d' ' -f1)"
    [[ -f "$STAMP" ]] && have="$(cat "$STAMP")"
    if [[ "$want" == "$have" && -x "$VENV/bin/python" ]]; then
        return 0
    fi
    local py
    py="$(python_bin)"
    if [[ ! -x "$VENV/bin/python" ]]; then
        echo "bootstrap: creating $VENV with $py"
        "$py" -m venv "$VENV"
    fi
    echo "bootstrap: installing Avatar Studio and its test tools into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
    "$VENV/bin/python" -m pip install -q -e "$ROOT[test]"
    echo "$want" >"$STAMP"
}

install_system_packages
install_python_env
# An editable install ships no bytecode, and some environments set PYTHONDONTWRITEBYTECODE: compile once so that
# every start reads .pyc files (cheap when they are current).
"$VENV/bin/python" -m compileall -q "$ROOT/desktop" >/dev/null
