# Sourced by test/services/kafka and test/services/kafka-cluster: what every KRaft node of ours
# needs — the broker jars (Maven Central, kafka-pom.xml, cached in
# ${OTELGATE_CACHE:-$HOME/.cache/otelgate}/kafka-<version>), a Java, formatting a node's storage,
# starting its JVM and waiting until it serves, stopping it. The caller sets `here` (the
# test/services directory) and defines `log`.

kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka-pom.xml")"
kafka_libs="${OTELGATE_CACHE:-$HOME/.cache/otelgate}/kafka-$kafka_version/libs"
kafka_log4j="-Dlog4j2.configurationFile=$here/kafka-log4j2.properties"

pick_java() {
  if [ -n "${KAFKA_JAVA_HOME:-}" ]; then echo "$KAFKA_JAVA_HOME/bin/java"; return; fi
  local jdk
  # Kafka 4.x brokers need Java 17 or newer; prefer 17 (what Kafka is tested on), then newer.
  for jdk in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-*-jdk-amd64 /usr/lib/jvm/java-2*-openjdk-amd64; do
    if [ -x "$jdk/bin/java" ]; then echo "$jdk/bin/java"; return; fi
  done
  command -v java || { log "no Java found under /usr/lib/jvm"; exit 1; }
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The pid in a pid file, when that process is alive.
pid_alive() {
  [ -f "$1" ] || return 1
  local pid
  pid="$(cat "$1")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

fetch_libs() {
  [ -f "$kafka_libs/kafka_2.13-$kafka_version.jar" ] && return
  log "downloading Kafka $kafka_version from Maven Central into $kafka_libs"
  local tmp="$kafka_libs.tmp.$$"
  mkdir -p "$(dirname "$kafka_libs")"
  mvn -q -B -f "$here/kafka-pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >&2
  rm -rf "$kafka_libs"
  mv "$tmp" "$kafka_libs"
}

# kafka_tool JAVA CLASS ARGS...: one of Kafka's command-line tools from the cached jars.
kafka_tool() {
  local java="$1" class="$2"
  shift 2
  "$java" -Xmx256m -cp "$kafka_libs/*" "$kafka_log4j" "$class" "$@"
}

new_cluster_id() { kafka_tool "$1" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1; }

# format_node JAVA DIR [CLUSTER_ID]: formats DIR/data once, from DIR/server.properties, for the
# cluster given (the nodes of one cluster share it) or a new one.
format_node() {
  [ -f "$2/data/meta.properties" ] && return 0
  local cluster_id="${3:-}"
  [ -n "$cluster_id" ] || cluster_id="$(new_cluster_id "$1")"
  log "formatting storage in $2/data (cluster $cluster_id)"
  kafka_tool "$1" kafka.tools.StorageTool format -t "$cluster_id" -c "$2/server.properties" >"$2/format.log" 2>&1 ||
    { cat "$2/format.log" >&2; exit 1; }
}

# launch_node JAVA DIR XMS XMX [JVM OPTIONS...]: starts the JVM of DIR/server.properties in its own
# session (lock fd 9 closed, so a later start or stop is not blocked by the daemon); pid in
# DIR/broker.pid.
launch_node() {
  local java="$1" dir="$2" xms="$3" xmx="$4"
  shift 4
  [ -f "$dir/broker.log" ] && mv "$dir/broker.log" "$dir/broker.log.1"
  log "starting with $java; log in $dir/broker.log"
  setsid nohup "$java" "-Xms$xms" "-Xmx$xmx" "$@" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true "$kafka_log4j" \
    -cp "$kafka_libs/*" kafka.Kafka "$dir/server.properties" >"$dir/broker.log" 2>&1 </dev/null 9>&- &
  echo $! >"$dir/broker.pid"
}

# wait_node DIR PORT SECONDS: until the node logged that it started and PORT accepts connections.
wait_node() {
  local dir="$1" port="$2" deadline=$((SECONDS + $3))
  until grep -q "Kafka Server started" "$dir/broker.log" 2>/dev/null && port_open "$port"; do
    if ! pid_alive "$dir/broker.pid" >/dev/null; then
      log "node exited during startup; last lines of $dir/broker.log:"
      tail -30 "$dir/broker.log" >&2
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "not ready after $3 s; see $dir/broker.log"
      exit 1
    fi
    sleep 0.5
  done
}

# SIGTERM (a controlled shutdown: the node hands its partition leadership over first), then
# SIGKILL after 30 s.
stop_pid() {
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  log "pid $pid still running after 30 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}
