# Shared by scripts/bench-vs-amtool and scripts/bench-keys: real
# Alertmanagers on free loopback ports, loaded with generated alerts.
# Sourced, not run.

need() { command -v "$1" >/dev/null || { echo "bench: $1 not found; $2" >&2; exit 1; }; }
AM=$(command -v prometheus-alertmanager || command -v alertmanager || true)
[ -n "$AM" ] || { echo "bench: no Alertmanager; apt-get install prometheus-alertmanager" >&2; exit 1; }
need curl "apt-get install curl"
need python3 "apt-get install python3"
[ -x "$ONCALL" ] || cargo build --release --bin oncall

DIR=$(mktemp -d /tmp/oncall-bench.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cat >"$DIR/am.yml" <<'EOF'
route: {receiver: nobody, group_by: [alertname], group_wait: 1h, group_interval: 1h, repeat_interval: 24h}
receivers: [{name: nobody}]
EOF

# An HA pair (gossiping members); every alert is posted to both, as
# Prometheus does.
start_pair() {
    local web=($(free_port) $(free_port)) gossip=($(free_port) $(free_port))
    URLS=()
    for i in 0 1; do
        mkdir -p "$DIR/data$1$i"
        # AM_NICE=10 stands in for Alertmanagers on other hosts: on a
        # two-core VM they otherwise take the cores the console measures on.
        nice -n "${AM_NICE:-0}" "$AM" --config.file="$DIR/am.yml" --storage.path="$DIR/data$1$i" \
            --web.listen-address="127.0.0.1:${web[$i]}" \
            --cluster.listen-address="127.0.0.1:${gossip[$i]}" \
            --cluster.peer="127.0.0.1:${gossip[$((1 - i))]}" \
            --log.level=warn >"$DIR/am$1$i.log" 2>&1 &
        PIDS+=($!)
        URLS+=("http://127.0.0.1:${web[$i]}")
    done
    for u in "${URLS[@]}"; do
        for _ in $(seq 100); do curl -sf "$u/-/ready" >/dev/null && break; sleep 0.2; done
        curl -sf "$u/-/ready" >/dev/null || { echo "Alertmanager at $u did not start:" >&2; cat "$DIR"/am*.log >&2; exit 1; }
    done
}

# N deterministic alerts (8 labels, 3 annotations, as in benches/pipeline.rs)
# posted to every URL given, 2000 a request.
load_alerts() {
    python3 - "$@" <<'EOF'
import json, sys, urllib.request, datetime
n = int(sys.argv[1]); urls = sys.argv[2:]
now = datetime.datetime.now(datetime.timezone.utc)
iso = lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.000Z")
names = ["KubePodCrashLooping", "KubePodNotReady", "NodeFilesystemSpaceFillingUp", "TargetDown",
         "ModelLatencySLOBreach", "ModelErrorRateHigh", "KafkaConsumerLag", "HTTP5xxRateHigh",
         "PostgresReplicationLag", "CertificateExpiringSoon", "GPUMemoryPressure", "IngressLatencyHigh"]
sev = ["critical", "warning", "warning", "error", "info"]
ns = ["payments", "checkout", "fraud-scoring", "monitoring", "kube-system", "search", "ledger"]
alerts = []
for i in range(n):
    name = names[i % len(names)]; space = ns[(i // 7) % len(ns)]
    pod = f"{space}-{i * 2654435761 % 0xffffffff:08x}-{i % 99991:05x}"
    alerts.append({
        "labels": {"alertname": name, "severity": sev[i % 5], "cluster": f"eu-{i % 4}-prod",
                   "namespace": space, "pod": pod, "instance": f"10.{i % 251}.{i // 251 % 251}.{i % 7}:9100",
                   "job": "kube-state-metrics" if i % 2 else "node-exporter", "team": f"team-{i % 5}"},
        "annotations": {"summary": f"{name}: {pod} is unhealthy",
                        "description": f"{name} on {pod} in {space} has been over its threshold for more than 10 minutes.\nCurrent value: {i % 10000 / 100:.2f}.",
                        "runbook_url": f"https://runbooks.example.com/alerts/{name.lower()}"},
        "startsAt": iso(now - datetime.timedelta(seconds=i % 604800)),
        "endsAt": iso(now + datetime.timedelta(hours=3)),
        "generatorURL": f"http://prometheus-0.eu-{i % 4}:9090/graph?g0.expr=up%3D%3D0&g0.tab=1",
    })
for url in urls:
    for k in range(0, n, 2000):
        req = urllib.request.Request(url + "/api/v2/alerts", data=json.dumps(alerts[k:k + 2000]).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        urllib.request.urlopen(req, timeout=60).read()
EOF
}

count() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

wait_for() { # URL N
    for _ in $(seq 150); do
        [ "$(curl -sf "$1/api/v2/alerts" | count)" = "$2" ] && return
        sleep 0.2
    done
    echo "Alertmanager $1 does not hold $2 alerts" >&2; exit 1
}

