#!/usr/bin/env bash
# The whole loop for `make demo` and the smoke run of `make test`, with the
# real binaries: voucherd (keys, demo campaign and catalogue, vouchers with
# a printable QR sheet, the server on loopback), a terminal enrolled with a
# one-time code, its users, and the counter app with the pty scanner
# simulator. The receipt printer is the ESC/POS simulator when devsim has
# one, else a folder of receipt images.
#
#   demo.sh BIN OUT panel|script|smoke [fupinpos flags...]
#
# The app is the demo build (go build -tags demo), $FUPINPOS_BIN or
# BIN/fupinpos-demo: the product binary has no simulator or demo modes.
set -euo pipefail
BIN=$1 OUT=$2 MODE=$3
shift 3
V=$BIN/voucherd P=$BIN/posctl
mkdir -p "$OUT"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

$V init --data "$OUT/server" --demo >"$OUT/init.log"
# The fingerprint and the enrollment code are taken by their form (the
# lines around them are in the language of LANG).
FP=$(grep -oE '[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}$' "$OUT/init.log" | head -1)

# Vouchers: a few for the panel and the script, and for the smoke run a
# thousand ¥10 vouchers of a thousand members (the cap is per member).
{
  echo "member,unit,value_fen,count"
  for i in 1 2 3 4 5 6; do echo "demo-member-$i,100$(( (i % 6) + 1 )),10000,1"; done
  for i in 1 2 3; do echo "demo-member-5$i,1002,5000,1"; echo "demo-member-3$i,1003,3000,1"; done
  echo "demo-member-99,1004,30000,1"
  if [ "$MODE" = smoke ]; then for i in $(seq 1 1000); do echo "bulk-$i,1005,1000,1"; done; fi
} >"$OUT/members.csv"
QR=(--qr "$OUT/qr")
[ "$MODE" = smoke ] && QR=()
$V issue --data "$OUT/server" --campaign 2020 --batch "$OUT/members.csv" --out "$OUT/codes.csv" "${QR[@]}" >"$OUT/issue.log"

$V serve --data "$OUT/server" --listen 127.0.0.1:0 >"$OUT/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$OUT/server/serve.url" ] && break; sleep 0.1; done
URL=$(head -1 "$OUT/server/serve.url")

CODE=$($V terminal add --data "$OUT/server" --store HF-001 --name HF-001-T01 | grep -oE '[0-9]{4}-[0-9]{4}-[0-9]{4}$' | head -1)
PRINTER="file://$OUT/receipts?paper=80"
mkdir -p "$OUT/receipts"
if $BIN/devsim printer --help >/dev/null 2>&1; then
  $BIN/devsim printer --listen 127.0.0.1:0 --out "$OUT/receipts" --addr-file "$OUT/printer.addr" >"$OUT/printer.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do [ -s "$OUT/printer.addr" ] && break; sleep 0.1; done
  [ -s "$OUT/printer.addr" ] && PRINTER="tcp://$(head -1 "$OUT/printer.addr")?paper=80"
fi
$P enroll --db "$OUT/terminal.db" --server "$URL" --code "$CODE" --expect-root "$FP" \
  --store-name "合肥百货大楼" --counter "一楼扶贫专区" --printer "$PRINTER" >"$OUT/enroll.log"
$P user add --db "$OUT/terminal.db" --id 1001 --name "王芳" --role cashier --pin 1234 >/dev/null
$P user add --db "$OUT/terminal.db" --id 2001 --name "李经理" --role manager --pin 2468 >/dev/null
$P user add --db "$OUT/terminal.db" --id 3001 --name "张工" --role technician --pin 1357 >/dev/null
echo "demo: server $URL (root key $FP), terminal HF-001-T01, printer $PRINTER"
[ -n "${QR[*]}" ] && echo "demo: voucher QR sheet $OUT/qr/index.html"

APP=("${FUPINPOS_BIN:-$BIN/fupinpos-demo}" --db "$OUT/terminal.db" --codes "$OUT/codes.csv" --sim-scanner "$@")
case "$MODE" in
  panel)  "${APP[@]}" --demo ;;
  script) "${APP[@]}" --script "$OUT/screens" ;;
  smoke)  FYNE_CACHE=5s "${APP[@]}" --smoke "$OUT" ;;
esac
echo "demo: server report of today"
$V report --data "$OUT/server" --day "$(TZ=Asia/Shanghai date +%F)" | head -20 || true
