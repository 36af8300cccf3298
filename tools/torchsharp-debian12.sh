#!/usr/bin/env bash
# Make TorchSharp-cpu 0.107 (libtorch 2.10) load on Debian 12, whose libstdc++ (GCC 12) stops at GLIBCXX_3.4.30.
# libLibTorchSharp.so asks for one newer symbol only, std::ios_base_library_init() (GLIBCXX_3.4.32, GCC 13).
# This script, run on a build or publish folder, patches every libLibTorchSharp.so under it:
#   1. builds libglibcxx_compat.so, which defines that symbol (it constructs a std::ios_base::Init),
#   2. drops the symbol's version and adds the compat library as a dependency, found next to the patched file,
#   3. marks the GLIBCXX_3.4.32 version requirement weak, so the loader accepts the older libstdc++.
# Needs g++, patchelf and python3 (apt-get install -y g++ patchelf; installed here when missing and run as root).
# Idempotent, and a no-op where the system libstdc++ already has GLIBCXX_3.4.32 (Debian 13, Ubuntu 24.04).
# The training project runs it on its output after every build (Nethical.Guard.Training.csproj, PatchLibTorch).
# usage: torchsharp-debian12.sh DIR
set -euo pipefail
dir=${1:?usage: torchsharp-debian12.sh DIR}
libstdcxx=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
if [ -n "$libstdcxx" ] && grep -qa GLIBCXX_3.4.32 "$libstdcxx"; then
  echo "libstdc++ has GLIBCXX_3.4.32: nothing to patch under $dir"
  exit 0
fi
if ! command -v g++ >/dev/null || ! command -v patchelf >/dev/null; then
  # Never prompt for a password inside a build: sudo -n fails at once instead.
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq g++ patchelf >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/compat.cpp" <<'CPP'
#include <ios>
namespace std { void ios_base_library_init() { static std::ios_base::Init init; } }
CPP
g++ -shared -fPIC -O2 -o "$work/libglibcxx_compat.so" "$work/compat.cpp"
cat > "$work/weaken.py" <<'PY'
import struct, sys
# Set VER_FLG_WEAK on the named version requirement of an ELF64 little-endian shared object.
path, want = sys.argv[1], sys.argv[2].encode()
b = bytearray(open(path, "rb").read())
shoff, = struct.unpack_from("<Q", b, 0x28)
shentsize, shnum, _ = struct.unpack_from("<HHH", b, 0x3A)
secs = [struct.unpack_from("<IIQQQQIIQQ", b, shoff + i * shentsize) for i in range(shnum)]
for s in secs:
    if s[1] != 0x6FFFFFFE:  # SHT_GNU_verneed
        continue
    strings = secs[s[6]][4]
    off = s[4]
    while True:
        _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", b, off)
        a = off + aux
        for _ in range(cnt):
            _, flags, _, name, anext = struct.unpack_from("<IHHII", b, a)
            if bytes(b[strings + name:b.index(0, strings + name)]) == want:
                struct.pack_into("<H", b, a + 4, flags | 0x2)
            if not anext:
                break
            a += anext
        if not nxt:
            break
        off += nxt
open(path, "wb").write(b)
PY
n=0
while IFS= read -r -d '' lib; do
  d=$(dirname "$lib")
  cp "$work/libglibcxx_compat.so" "$d/"
  patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$lib"
  patchelf --print-needed "$lib" | grep -qx libglibcxx_compat.so || patchelf --add-needed libglibcxx_compat.so "$lib"
  patchelf --set-rpath '$ORIGIN' "$lib"
  python3 "$work/weaken.py" "$lib" GLIBCXX_3.4.32
  n=$((n + 1))
done < <(find "$dir" -name libLibTorchSharp.so -print0)
echo "patched $n libLibTorchSharp.so under $dir"
