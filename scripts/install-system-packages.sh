#!/usr/bin/env bash
# Debian packages the tests and tools need. Idempotent: installs only what is missing.
set -euo pipefail
PACKAGES=(
  # one package per line; see the comment beside each for who needs it
  prometheus               # promtool and a real Prometheus for deploy/ tests (issue 7) and metrics tests
  prometheus-alertmanager  # amtool and a real Alertmanager for deploy/ tests (issue 7)
  docker-compose           # validates docker-compose.yml without an engine (issue 7)
  prometheus-node-exporter      # host metrics for the infrastructure dashboard test (issue 7)
  prometheus-postgres-exporter  # PostgreSQL metrics for the PostgreSQL dashboard test (issue 7)
  prometheus-redis-exporter     # Redis metrics for the Redis dashboard test (issue 7)
  prometheus-elasticsearch-exporter  # ElasticsearchDown through the real exporter in the alert latency test (issue 21)
  postgresql               # PostgreSQL for the instrumentation tests and examples/api (issue 6)
  redis-server             # Redis for the instrumentation tests, examples/api and BullMQ (issue 6)
  chromium                 # headless browser for the web instrumentation tests (issue 6)
  openjdk-17-jre-headless  # runs the Kafka brokers of test/services/kafka{,-cluster}; its keytool makes their test TLS certificates (issue 3)
  maven                    # fetches the Kafka broker jars from Maven Central (issue 3)
  unzip                    # unpacks the Elasticsearch distribution of test/services/elasticsearch (issue 5)
  openssl                  # test certificates for the receivers' TLS and mTLS tests (issue 14)
  curl                     # readiness checks in test/services/elasticsearch and prometheus (issue 5)
  tmux                     # a pseudo-terminal whose screen the `otelgate top` test reads (issue 16)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
