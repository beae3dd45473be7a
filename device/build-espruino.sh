#!/usr/bin/env bash
# Builds the desktop Espruino interpreters that the device tests, `npm start` and `npm run flash --
# --emulate` run (ESPRUINO=OUT_DIR), from an espruino/Espruino source tree: Linux builds with the memory
# layout of an ESP8266 (1,700 blocks, byte strings, its size-saving defines) and of an ESP32 (16,383
# blocks), 32-bit and static, plus the stock 64-bit Linux build. The recipe was verified at 2v29 (commit
# c5ff787b1): the rebuilt ESP8266 layout reports total 1700, blocksize 12, as the boards do.
#
#   device/build-espruino.sh ESPRUINO_SRC [OUT_DIR]      (OUT_DIR default: ./espruino-builds)
#   device/build-espruino.sh --boards-only ESPRUINO_SRC  (write the board files, build nothing)
#   LAYOUTS="esp8266 esp32 linux64" (the default) names the builds to make
#
# ESPRUINO_SRC is a git work tree (the build reads `git log`; a source archive fails):
#   git clone https://github.com/espruino/Espruino && git -C Espruino checkout c5ff787b1
# Needs (Debian/Ubuntu): gcc-multilib make python3 git; running the 32-bit builds needs qemu-user
# (qemu-i386) on a 64-bit machine. The source tree is built in place (`make clean` between layouts).
#
# Each layout is a board file beside boards/LINUX.py that loads it and changes:
#   'variables' 1700 (ESP8266) or 16383 (ESP32) instead of 0 (resizable); TENSORFLOW dropped from the
#   libraries; -DESPR_UNICODE_SUPPORT=1 dropped (the boards' Strings are bytes); added -m32 (CFLAGS and
#   LDFLAGS), -DUSE_CALLFUNCTION_HACK (as LINUX.py's own comment says for a 32-bit build), -static,
#   OPENWRT_UCLIBC=1; ESP8266 only: -DSAVE_ON_FLASH_MATH -DESPR_NO_LINE_NUMBERS -DESPR_LIMIT_DATE_RANGE
#   -DESPR_NO_REGEX_OPTIMISE.
#
# The MQTT-SN tests and `npm start -- --sn` also need the Eclipse Paho MQTT-SN gateway (MQTTSN_GATEWAY):
#   git clone https://github.com/eclipse/paho.mqtt-sn.embedded-c && cd paho.mqtt-sn.embedded-c/MQTTSNGateway
#   ./build.sh udp                 # makes MQTT-SNGateway: MQTTSN_GATEWAY=$PWD/bin/MQTT-SNGateway (or where build.sh put it)
set -euo pipefail

usage() {
  echo "usage: device/build-espruino.sh ESPRUINO_SRC [OUT_DIR]   (an espruino/Espruino git work tree; OUT_DIR default ./espruino-builds)" >&2
  echo "       device/build-espruino.sh --boards-only ESPRUINO_SRC" >&2
  exit 2
}
die() {
  echo "build-espruino: $*" >&2
  exit 1
}

boards_only=0
if [ "${1:-}" = "--boards-only" ]; then boards_only=1; shift; fi
case "${1:-}" in "" | -h | --help | -*) usage ;; esac
[ $# -le 2 ] || usage
src=$1
out=${2:-$PWD/espruino-builds}

[ -d "$src" ] || die "ESPRUINO_SRC $src does not exist: clone it with git clone https://github.com/espruino/Espruino"
src=$(cd "$src" && pwd)
[ -f "$src/boards/LINUX.py" ] && [ -f "$src/Makefile" ] || die "$src is not an Espruino source tree (no boards/LINUX.py and Makefile)"
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || die "$src is not a git work tree: Espruino's build reads git log, so a source archive fails; use git clone https://github.com/espruino/Espruino"

# One board file per layout: LINUX.py loaded as it is, then changed (so a newer LINUX.py keeps its own
# settings, and a change it no longer needs is a no-op).
board_file() { # NAME VARIABLES BITS EXTRA_MAKEFILE_LINES...
  local name=$1 vars=$2 bits=$3
  shift 3
  {
    echo "# Made by mqttiny's device/build-espruino.sh: boards/LINUX.py with the memory layout of a board."
    echo "import os"
    echo "exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'LINUX.py')).read())"
    if [ "$bits" = 32 ]; then
      echo "info['variables'] = $vars"
      echo "info['build']['libraries'] = [l for l in info['build']['libraries'] if l != 'TENSORFLOW']"
      echo "info['build']['makefile'] = [m for m in info['build']['makefile'] if 'ESPR_UNICODE_SUPPORT' not in m]"
      echo "info['build']['makefile'] += ['CFLAGS+=-m32', 'LDFLAGS+=-m32', 'DEFINES+=-DUSE_CALLFUNCTION_HACK', 'LDFLAGS+=-static', 'OPENWRT_UCLIBC=1']"
    else
      echo "info['build']['makefile'] += ['LDFLAGS+=-static']"
    fi
    for m in "$@"; do echo "info['build']['makefile'] += ['$m']"; done
  } >"$src/boards/$name.py"
  echo "wrote boards/$name.py"
}
board_file LINUX_ESP8266 1700 32 "DEFINES+=-DSAVE_ON_FLASH_MATH -DESPR_NO_LINE_NUMBERS -DESPR_LIMIT_DATE_RANGE -DESPR_NO_REGEX_OPTIMISE"
board_file LINUX_ESP32 16383 32
board_file LINUX_STATIC64 0 64
# The build's own reading of each board file (its Makefile settings), so a LINUX.py this recipe does not
# fit fails here, before any compiling.
for b in LINUX_ESP8266 LINUX_ESP32 LINUX_STATIC64; do
  (cd "$src" && python3 scripts/get_makefile_decls.py $b >/dev/null) || die "Espruino's scripts/get_makefile_decls.py cannot read boards/$b.py"
done
[ $boards_only = 0 ] || exit 0

layouts=${LAYOUTS:-esp8266 esp32 linux64}
for l in $layouts; do case $l in esp8266 | esp32 | linux64) ;; *) die "LAYOUTS: $l is not esp8266, esp32 or linux64" ;; esac; done
for tool in make gcc strip; do command -v $tool >/dev/null || die "$tool not found (Debian: apt-get install gcc-multilib make python3 git)"; done
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int main(void){return 0;}\n' >"$probe/t.c"
case " $layouts " in *" esp8266 "* | *" esp32 "*)
  gcc -m32 -static "$probe/t.c" -o "$probe/t" 2>/dev/null || die "gcc cannot make static 32-bit programs: install gcc-multilib (Debian/Ubuntu), or LAYOUTS=linux64 for the 64-bit build only" ;;
esac

mkdir -p "$out"
out=$(cd "$out" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
for layout in $layouts; do
  case $layout in esp8266) board=LINUX_ESP8266 ;; esp32) board=LINUX_ESP32 ;; linux64) board=LINUX_STATIC64 ;; esac
  echo "== $layout: BOARD=$board RELEASE=1 make"
  (cd "$src" && make clean >/dev/null 2>&1 || true)
  rm -f "$src/bin/espruino"
  (cd "$src" && BOARD=$board RELEASE=1 make -j"$jobs") || die "make failed for $layout (BOARD=$board)"
  [ -f "$src/bin/espruino" ] || die "make for $layout left no bin/espruino in $src"
  cp "$src/bin/espruino" "$out/espruino-$layout"
  strip "$out/espruino-$layout"
  echo "   $out/espruino-$layout"
done
echo "done: ESPRUINO=$out npm test (the 32-bit layouts run under qemu-i386, Debian package qemu-user)"
