#!/usr/bin/env bash
# Makes key material for mutual TLS between Fulgur nodes, for development and tests: a CA, and
# for each node name a directory that `fulgur node --tls-dir DIR` (or FULGUR_TLS_DIR) takes:
#
#   OUT/ca.crt, OUT/ca.key           the CA (keep ca.key off the nodes)
#   OUT/NAME/ca.crt, tls.crt, tls.key the node's certificate, signed by the CA, and its key (PEM)
#
# OUT/NAME is a link to a directory of its own; running the script again for NAME makes new key
# material and switches the link to it in one rename, so a running node takes all three new files
# at its next read, never a mix of old and new.
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
  # each node's directory is a link to a new directory of its own, switched in one rename: a node
  # that reads its files again (fulgur.security.tls-cache-ttl) sees the old three or the new three
  link="$out/$node"
  version=".$node-$(date +%s%N)"
  dir="$out/$version"
  mkdir -p "$dir"
  openssl req -newkey rsa:2048 -nodes -keyout "$dir/tls.key" -out "$dir/tls.csr" \
    -subj "/CN=$subject" 2> /dev/null
  openssl x509 -req -in "$dir/tls.csr" -CA "$ca_dir/ca.crt" -CAkey "$ca_dir/ca.key" \
    -CAcreateserial -days 825 -extfile "$ext" -out "$dir/tls.crt" 2> /dev/null
  rm -f "$dir/tls.csr"
  chmod 600 "$dir/tls.key"
  cp "$ca_dir/ca.crt" "$dir/ca.crt"
  old=""
  if [ -L "$link" ]; then
    old=$(readlink "$link")
  elif [ -e "$link" ]; then
    echo "$link exists and is not a link this script made: not replaced" >&2
    exit 1
  fi
  ln -s "$version" "$out/.$node.link"
  mv -T "$out/.$node.link" "$link"
  if [ -n "$old" ]; then rm -rf "${out:?}/$old"; fi
  echo "$link: certificate for subject $subject"
done
