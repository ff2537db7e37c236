#!/usr/bin/env bash
# Makes key material for mutual TLS between Fulgur nodes, for development and tests: a CA, and
# for each node name a directory that `fulgur node --tls-dir DIR` (or FULGUR_TLS_DIR) takes:
#
#   OUT/ca.crt, OUT/ca.key           the CA (keep ca.key off the nodes)
#   OUT/NAME/ca.crt, tls.crt, tls.key the node's certificate, signed by the CA, and its key (PEM)
#
#   samples/make-dev-certs.sh [--subject NAME] [--ca DIR] OUT NODE...
#
# Every node certificate carries the subject NAME (default fulgur-cluster) as its common name and
# as a DNS subject alternative name: Pekko's RotatingKeysSSLEngineProvider accepts a peer only if
# it shares a subject name with the node's own certificate (it does no hostname verification).
# --ca DIR signs with the CA already in DIR (ca.crt, ca.key) instead of making a new one in OUT:
# for more nodes, a renewed node certificate, or a certificate of another subject from the same CA.
# Keys are RSA 2048 (Pekko's PEM reader takes RSA only); certificates last 825 days.
#
# Production key material comes from your own CA; see docs/security.md.
set -euo pipefail
subject=fulgur-cluster
ca_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --subject) subject="$2"; shift 2 ;;
    --ca) ca_dir="$2"; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -lt 2 ]; then
  echo "usage: $0 [--subject NAME] [--ca DIR] OUT NODE..." >&2
  exit 2
fi
command -v openssl > /dev/null || { echo "$0 needs openssl (Debian: apt-get install openssl)" >&2; exit 1; }
out="$1"; shift
mkdir -p "$out"
if [ -z "$ca_dir" ]; then
  ca_dir="$out"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
    -keyout "$ca_dir/ca.key" -out "$ca_dir/ca.crt" -subj "/CN=Fulgur development CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2> /dev/null
  chmod 600 "$ca_dir/ca.key"
fi
for f in ca.crt ca.key; do
  [ -f "$ca_dir/$f" ] || { echo "no $ca_dir/$f: --ca takes a directory this script made" >&2; exit 1; }
done
ext=$(mktemp)
trap 'rm -f "$ext"' EXIT
printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' \
  "$subject" > "$ext"
for node in "$@"; do
  dir="$out/$node"
  mkdir -p "$dir"
  openssl req -newkey rsa:2048 -nodes -keyout "$dir/tls.key.new" -out "$dir/tls.csr" \
    -subj "/CN=$subject" 2> /dev/null
  openssl x509 -req -in "$dir/tls.csr" -CA "$ca_dir/ca.crt" -CAkey "$ca_dir/ca.key" \
    -CAcreateserial -days 825 -extfile "$ext" -out "$dir/tls.crt.new" 2> /dev/null
  rm -f "$dir/tls.csr"
  chmod 600 "$dir/tls.key.new"
  cp "$ca_dir/ca.crt" "$dir/ca.crt.new"
  # each file replaced whole (a node that reloads its keys never reads half a file)
  mv "$dir/ca.crt.new" "$dir/ca.crt"
  mv "$dir/tls.key.new" "$dir/tls.key"
  mv "$dir/tls.crt.new" "$dir/tls.crt"
  echo "$dir: certificate for subject $subject"
done
