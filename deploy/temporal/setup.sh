#!/bin/sh
# temporal-setup (docker-compose.yml): the namespace with its retention, then the search
# attributes the application queries, each created once; exits 0 only when all of them exist,
# so the API and the workers never start without them. Safe to run again. Reads:
#   TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE           where (required)
#   TEMPORAL_RETENTION (30d)                        how long a closed workflow stays
#   TEMPORAL_MANAGE_NAMESPACE (true)                false on Temporal Cloud: the namespace and its
#                                                   retention are set there (UI or tcld)
#   TEMPORAL_API_KEY_FILE, or TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH (Temporal Cloud)
set -eu
: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}"
retention=${TEMPORAL_RETENTION:-30d}
attributes="PropertyId AuditId Surface AuditStatus"  # contracts/names.py SEARCH_ATTRIBUTES

set -- --address "$TEMPORAL_ADDRESS"
if [ -n "${TEMPORAL_API_KEY_FILE:-}" ] && [ -s "$TEMPORAL_API_KEY_FILE" ]; then
  TEMPORAL_API_KEY=$(cat "$TEMPORAL_API_KEY_FILE")  # read by the CLI; kept off its command line
  export TEMPORAL_API_KEY
  set -- "$@" --tls
fi
if [ -n "${TEMPORAL_TLS_CERT_PATH:-}" ]; then
  set -- "$@" --tls --tls-cert-path "$TEMPORAL_TLS_CERT_PATH" --tls-key-path "${TEMPORAL_TLS_KEY_PATH:?}"
fi

# Up to a minute for each step: a fresh server, or a namespace just created, needs a moment.
retry() {
  tries=30
  until "$@"; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || return 1
    sleep 2
  done
}

if [ "${TEMPORAL_MANAGE_NAMESPACE:-true}" = true ]; then
  retry temporal operator cluster health "$@" >/dev/null
  if temporal operator namespace describe "$@" --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
    temporal operator namespace update "$@" --namespace "$TEMPORAL_NAMESPACE" --retention "$retention"
  else
    temporal operator namespace create "$@" --namespace "$TEMPORAL_NAMESPACE" --retention "$retention"
  fi
  echo "namespace $TEMPORAL_NAMESPACE: retention $retention"
else
  retry temporal operator namespace describe "$@" --namespace "$TEMPORAL_NAMESPACE" >/dev/null
fi

listed() {
  temporal operator search-attribute list "$@" --namespace "$TEMPORAL_NAMESPACE" 2>/dev/null
}
retry listed "$@" >/dev/null
for name in $attributes; do
  if ! listed "$@" | grep -qw "$name"; then
    retry temporal operator search-attribute create "$@" --namespace "$TEMPORAL_NAMESPACE" \
      --name "$name" --type Keyword >/dev/null ||
      echo "could not create search attribute $name (on Temporal Cloud add it as Keyword in the Cloud UI or with tcld)" >&2
  fi
done
missing=""
for name in $attributes; do
  listed "$@" | grep -qw "$name" || missing="$missing $name"
done
if [ -n "$missing" ]; then
  echo "namespace $TEMPORAL_NAMESPACE lacks the search attributes:$missing (Keyword)" >&2
  exit 1
fi
echo "namespace $TEMPORAL_NAMESPACE: search attributes $attributes"
