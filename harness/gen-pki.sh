#!/usr/bin/env bash
# Generate the test PKI for one control plane into <dir>:
#   ca.{crt,key}          self-signed CA (client CA + serving CA)
#   apiserver.{crt,key}   serving cert, SAN IP:127.0.0.1, DNS:localhost
#   admin.{crt,key}       client cert O=system:masters (cluster-admin through the built-in binding)
#   sa.{key,pub}          service-account token signing key pair
# Usage: harness/gen-pki.sh <dir>
set -euo pipefail
P=${1:?dir}; mkdir -p "$P"; cd "$P"
umask 077
cat > ca.cnf <<'C'
[req]
distinguished_name=dn
x509_extensions=v3_ca
prompt=no
[dn]
CN=daemonset-test-ca
[v3_ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier=hash
C
openssl req -x509 -new -nodes -newkey rsa:2048 -keyout ca.key -out ca.crt -days 3650 -config ca.cnf 2>/dev/null
leaf() { # name subject extra-extension-lines
  openssl req -new -nodes -newkey rsa:2048 -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "authorityKeyIdentifier=keyid" "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -out "$1.crt" \
    -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
leaf apiserver "/CN=kube-apiserver" $'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost'
leaf admin "/O=system:masters/CN=kube-admin" "extendedKeyUsage=clientAuth"
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
chmod 644 ca.crt apiserver.crt admin.crt sa.pub
