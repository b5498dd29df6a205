#!/usr/bin/env bash
# Dev certificates for the webhook: a CA and a serving certificate signed by it, with SANs for the
# webhook Service, localhost and 127.0.0.1. Idempotent: existing files are kept while they are valid
# for at least 30 more days (set FORCE=1 to regenerate). Output goes next to this script (or to
# $CERTS_DIR); the generated files are git-ignored.
#   ca.crt ca.key      the dev CA (goes into the webhook configurations' caBundle)
#   tls.crt tls.key    the serving certificate (--Webhook:CertFile / --Webhook:KeyFile)
set -euo pipefail

dir=${CERTS_DIR:-$(cd "$(dirname "$0")" && pwd)}
service=${SERVICE_NAME:-admissionguard-webhook}
namespace=${SERVICE_NAMESPACE:-admissionguard-system}
days=${DAYS:-365}
renew_within=$((30 * 24 * 3600))

command -v openssl >/dev/null || { echo "certs: openssl is required (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$dir"
cd "$dir"

valid() { [[ -s $1 ]] && openssl x509 -in "$1" -noout -checkend "$renew_within" >/dev/null 2>&1; }

if [[ ${FORCE:-0} != 1 ]] && valid ca.crt && [[ -s ca.key ]] && valid tls.crt && [[ -s tls.key ]] \
  && openssl verify -CAfile ca.crt tls.crt >/dev/null 2>&1; then
  echo "certs: up to date in $dir (FORCE=1 to regenerate)"
  exit 0
fi

umask 077
if [[ ${FORCE:-0} == 1 ]] || ! valid ca.crt || [[ ! -s ca.key ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout ca.key -out ca.crt -days $((days * 3)) -subj "/CN=admissionguard-dev-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
  echo "certs: new dev CA        $dir/ca.crt"
fi

sans="DNS:$service,DNS:$service.$namespace,DNS:$service.$namespace.svc"
sans+=",DNS:$service.$namespace.svc.cluster.local,DNS:localhost,IP:127.0.0.1"
extensions=$(mktemp "$dir/.extensions.XXXXXX")
trap 'rm -f "$extensions" tls.csr' EXIT
cat >"$extensions" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$sans
EXT
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout tls.key -out tls.csr -subj "/CN=$service.$namespace.svc" 2>/dev/null
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" \
  -extfile "$extensions" -out tls.crt 2>/dev/null
rm -f ca.srl
chmod 0644 ca.crt tls.crt

echo "certs: serving certificate $dir/tls.crt (key $dir/tls.key), valid $days days"
echo "       SANs: ${sans//,/ }"
echo "       run the guard with --Webhook:CertFile=$dir/tls.crt --Webhook:KeyFile=$dir/tls.key;"
echo "       caBundle: base64 -w0 $dir/ca.crt"
