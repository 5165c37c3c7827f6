#!/usr/bin/env bash
# Measures one example (01 to 06: it waits for /info, which 07 and 08 do not serve) or the
# yardstick at several client counts, the way docs/benchmarks.md was made:
# for each count, start the example, wait until it answers, run the load generator, stop the
# example with SIGTERM (it runs the same shutdown hook as Ctrl+C), and check its port is free
# again. Each count gets a fresh server, so no run inherits another's heap or warm JIT.
#
# Usage:   tools/loadgen/bench.sh [module] [client counts...]
# Example: tools/loadgen/bench.sh examples/01-basic-loop 100 1000 5000
#          tools/loadgen/bench.sh tools/loadgen/baseline 100 1000 5000   (the bare Node.js ws
#          server, the yardstick; needs Node.js 18+, and runs npm ci in that folder on first use)
# Options (environment): PORT=18080 TICK_MS=100 DURATION=20s WARMUP=30s, SERVER_JAVA_OPTS (the
# example's JVM options, default -XX:+UseSerialGC, see below), and LOADGEN_ARGS for
# any other load generator option, e.g. LOADGEN_ARGS="-Dkeys.ms=500"; SERVER_CPUS and LOADGEN_CPUS
# pin the server and the load generator to CPUs (taskset lists, e.g. SERVER_CPUS=0 LOADGEN_CPUS=1);
# MVN_ARGS for Maven's own options, e.g. MVN_ARGS=-o to build offline once everything is in ~/.m2.
#
# Prints the markdown rows for docs/benchmarks-log.md at the end (if it stops early, the rows measured
# so far, and it exits non-zero; so it does if the server dies during a run). Logs and reports go to
# tools/loadgen/target/bench/.
set -euo pipefail

cd "$(dirname "$0")/../.."
module=${1:-examples/01-basic-loop}
module=${module%/} # as tab completion writes it: examples/01-basic-loop/
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 1000 5000)
port=${PORT:-18080}
tick=${TICK_MS:-100}
duration=${DURATION:-20s}
# Long enough for both JITs (the server's and the load generator's) to compile their hot paths,
# and for a loop that fell behind while thousands of clients connected to catch up (a fixed-rate
# loop sends its late ticks back to back), so the window measures the steady state.
warmup=${WARMUP:-30s}
# The example runs in a JVM of its own, started with plain `java` on the classpath Maven
# resolves (not under exec:java, whose JVM would be Maven's too): its memory column is then the
# example's alone, comparable with the yardstick's. G1, the default collector, runs refinement
# threads that follow every reference the server stores into an old object; at 5000 clients
# (50,000 frames queued a second) their counters grew by about 2 s in 10, a tenth of the machine
# (running, or waiting for a core: that reading cannot tell; see "Which collector" in
# docs/benchmarks-log.md).
# The serial collector has no such threads, and its young collections of this small heap take
# milliseconds. Measured at 5000 clients: echo p99 9 to 25 ms against 15 to 41 with G1 (see
# "Which collector" in docs/benchmarks.md). SERVER_JAVA_OPTS= (empty) measures the JVM's defaults.
server_java_opts=${SERVER_JAVA_OPTS--XX:+UseSerialGC}
out=tools/loadgen/target/bench
server_pin=(); [ -z "${SERVER_CPUS:-}" ] || server_pin=(taskset -c "$SERVER_CPUS")
loadgen_pin=(); [ -z "${LOADGEN_CPUS:-}" ] || loadgen_pin=(taskset -c "$LOADGEN_CPUS")
mkdir -p "$out"

listener_pid() { # the pid of whatever listens on $port, or nothing
    ss -Hltnp "sport = :$port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1
}

if [ -n "$(listener_pid)" ] || ss -Hltn "sport = :$port" | grep -q .; then
    echo "Port $port is already in use; stop whatever is there, or set PORT." >&2
    exit 1
fi

stop_server() { # SIGTERM (the shutdown hook's signal), then SIGKILL if it is still there after 30 s
    kill -TERM "$1" 2>/dev/null || return 0
    for _ in $(seq 1 30); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 1
    done
    echo "The server (pid $1) ignored SIGTERM for 30 s; killing it." >&2
    kill -KILL "$1" 2>/dev/null || true
}

rows=()
host_before=""
rows_printed=""
print_rows() {
    [ -z "$rows_printed" ] && [ ${#rows[@]} -gt 0 ] || return 0
    rows_printed=yes
    echo
    echo "Rows for docs/benchmarks-log.md (the last column is the server process's peak RSS in MB):"
    printf '%s\n' "${rows[@]}"
    [ -z "$host_before" ] || echo "Host check: $host_before ms before the runs, $(host_check) ms after."
}

# How much of one core this machine gives right now: the time to hash 256 MiB. A virtual
# machine's host lends it more CPU or less as its other tenants ask for less or more (the same run
# took 93% of the benchmarks' machine one morning and 61% that evening), and anything else
# running here takes its share too. Printed before and after the runs, so sittings can be told
# apart: about 800 ms on the benchmarks' machine when it was quiet, lower is faster.
host_check() {
    local start end
    start=$(date +%s%N)
    head -c 268435456 /dev/zero | sha256sum > /dev/null
    end=$(date +%s%N)
    echo $(( (end - start) / 1000000 ))
}

server=""
cleanup() { # if we stop half-way (an error, Ctrl+C), do not leave the server running, and keep what was measured
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        echo "Stopping the server (pid $server)..." >&2
        stop_server "$server"
    fi
    if [ -z "$rows_printed" ] && [ ${#rows[@]} -gt 0 ]; then
        echo "Stopped before the end; the rows measured so far:" >&2
        print_rows
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

baseline=tools/loadgen/baseline
to_build="$module,tools/loadgen"
if [ "$module" = "$baseline" ]; then
    [ -d "$baseline/node_modules/ws" ] || (cd "$baseline" && npm ci --no-audit --no-fund)
    to_build=tools/loadgen
fi
if [ "$module" != "$baseline" ]; then # its main class, as exec:java would run it
    main_class=$(sed -n 's:^ *<exec.mainClass>\([A-Za-z0-9_.$]*\)</exec.mainClass>.*:\1:p' "$module/pom.xml" 2>/dev/null | head -1 || true)
    if [ -z "$main_class" ] || [ "$main_class" = none ]; then
        echo "$module/pom.xml names no exec.mainClass: is $module an example?" >&2
        exit 1
    fi
fi
echo "Building $to_build..."
# Each module also writes its runtime classpath (its dependencies' jars, and the target/classes of
# the modules it needs from this build) to target/runtime-classpath.txt.
# shellcheck disable=SC2086 # MVN_ARGS is a list of options, split on purpose
mvn -B -q ${MVN_ARGS:-} -pl "$to_build" -am compile dependency:build-classpath \
    -Dmdep.outputFile=target/runtime-classpath.txt -DincludeScope=runtime
if [ "$module" != "$baseline" ]; then
    classpath="$module/target/classes:$(cat "$module/target/runtime-classpath.txt")"
    echo "The example runs on: $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1)"
fi

host_before=$(host_check)
echo "Host check: one core hashed 256 MiB in $host_before ms (about 800 on a quiet benchmarks' machine; lower is faster)."

for n in "${counts[@]}"; do
    echo
    echo "=== $module, $n clients ==="
    # SIGTERM, not SIGINT, stops it below: a job a script starts in the background begins with
    # SIGINT ignored (and so does this script, when it was started in the background itself),
    # and a JVM installs no handler for a signal it inherited ignored.
    if [ "$module" = "$baseline" ]; then
        "${server_pin[@]}" node "$baseline/ws-server.js" --port "$port" --tick-ms "$tick" > "$out/server-$n.log" 2>&1 &
    else
        # shellcheck disable=SC2086 # SERVER_JAVA_OPTS is a list of options, split on purpose
        "${server_pin[@]}" "${JAVA_HOME:+$JAVA_HOME/bin/}java" $server_java_opts -Dport="$port" -Dtick.ms="$tick" \
            -cp "$classpath" "$main_class" > "$out/server-$n.log" 2>&1 &
    fi
    # taskset execs what it runs, so this is the server's own pid (its JVM, or node): the one to
    # stop, and the one that must be listening.
    server=$!
    answered=""
    for _ in $(seq 1 120); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/info" && { answered=yes; break; }
        kill -0 "$server" 2>/dev/null || { echo "The server died; see $out/server-$n.log" >&2; exit 1; }
        sleep 1
    done
    [ -n "$answered" ] || { echo "The server did not answer on $port within 120 s; see $out/server-$n.log" >&2; exit 1; }
    if [ "$(listener_pid)" != "$server" ]; then
        echo "Port $port is answered by pid $(listener_pid), not by the server we started ($server)." >&2
        exit 1
    fi

    echo "+ mvn ${MVN_ARGS:-}${MVN_ARGS:+ }-pl tools/loadgen -am compile exec:java -Dclients=$n -Dduration=$duration -Dwarmup=$warmup -Durl=ws://127.0.0.1:$port/connect ${LOADGEN_ARGS:-}"
    # shellcheck disable=SC2086 # LOADGEN_ARGS and MVN_ARGS are lists of options, split on purpose
    "${loadgen_pin[@]}" mvn -B -q ${MVN_ARGS:-} -pl tools/loadgen -am compile exec:java -Dclients="$n" -Dduration="$duration" \
        -Dwarmup="$warmup" -Durl="ws://127.0.0.1:$port/connect" -Dout="$out" ${LOADGEN_ARGS:-} | tee "$out/loadgen-$n.txt"

    # The kernel keeps each process's peak resident memory (VmHWM): read it before the server goes.
    # A server that died during the run has none: it is gone, or a zombie (it is our child, and
    # not yet waited for), whose status has no memory lines. Its row would mean nothing.
    rss_mb=$(awk '/^VmHWM:/ { printf "%d", $2 / 1024 }' "/proc/$server/status" 2>/dev/null || true)
    if [ -z "$rss_mb" ]; then
        echo "The server died during the run; see $out/server-$n.log" >&2
        wait "$server" 2>/dev/null || true
        server=""
        exit 1
    fi

    stop_server "$server"
    wait "$server" 2>/dev/null || true
    if [ -n "$(listener_pid)" ]; then
        echo "Port $port is still in use after SIGTERM to $server" >&2
        exit 1
    fi
    echo "Stopped the server (pid $server); port $port is free. Server peak RSS: $rss_mb MB."
    server=""

    row=$(grep -A1 '^Row for docs/benchmarks-log.md:' "$out/loadgen-$n.txt" | tail -1)
    rows+=("$row $rss_mb |")
done

print_rows
