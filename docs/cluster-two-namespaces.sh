#!/usr/bin/env bash
# Runs the README's "two machines" command sequence with each node in its own network namespace (its own network
# stack and IP address, joined by a veth pair), as a stand-in for two machines. Needs root (ip netns). Not a CI test:
# run it by hand from the repository root, after ./hearth has built once. It cleans up after itself: both nodes are
# stopped (by their process ids) and both namespaces deleted, even on failure.
#   sudo docs/cluster-two-namespaces.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

NS_A=hearth-a NS_B=hearth-b
IP_A=10.77.0.1 IP_B=10.77.0.2
LOGS=$(mktemp -d /tmp/hearth-netns.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$NS_A" 2>/dev/null || true
  ip netns del "$NS_B" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$NS_A"
ip netns add "$NS_B"
ip link add va netns "$NS_A" type veth peer name vb netns "$NS_B"
ip -n "$NS_A" addr add "$IP_A/24" dev va
ip -n "$NS_B" addr add "$IP_B/24" dev vb
for ns in "$NS_A" "$NS_B"; do
  ip -n "$ns" link set lo up
done
ip -n "$NS_A" link set va up
ip -n "$NS_B" link set vb up

# The README's sequence, as written, with machine A = $IP_A and machine B = $IP_B. (Its first version started A
# without --seed: A then joins by multicast, B by TCP, and Hazelcast refused B with "Incompatible joiners".)
export HEARTH_CLUSTER_SECRET="two-namespaces-secret-$RANDOM$RANDOM"
TOKEN="http-token-$RANDOM"
MODEL=$(./hearth pull 2>/dev/null)
# machine A
ip netns exec "$NS_A" ./hearth cluster node --cluster home --model "$MODEL" --memory-budget 3GiB --seed "$IP_A:5701" \
  >"$LOGS/a.out" 2>"$LOGS/a.err" &
PIDS+=($!)
# machine B
ip netns exec "$NS_B" ./hearth serve --host 0.0.0.0 --token "$TOKEN" --cluster home --model "$MODEL" \
  --memory-budget 3GiB --seed "$IP_A:5701" --await-nodes 2 >"$LOGS/b.out" 2>"$LOGS/b.err" &
PIDS+=($!)

echo "waiting for B's HTTP server on $IP_B:8080 (logs in $LOGS)"
for _ in $(seq 1 120); do
  if ! kill -0 "${PIDS[1]}" 2>/dev/null; then echo "B exited; see $LOGS/b.err"; exit 1; fi
  if ip netns exec "$NS_B" curl -sf -o /dev/null "http://$IP_B:8080/health" 2>/dev/null; then break; fi
  sleep 1
done
# the client sits in A's namespace, so the request itself crosses the veth pair too
ip netns exec "$NS_A" curl -sS "http://$IP_B:8080/v1/chat/completions" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' \
  -d '{"model":"stories260K","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":32,"temperature":0}' \
  | tee "$LOGS/answer.json"
echo
echo "--- node A"; cat "$LOGS/a.out"
echo "--- node B (placement)"; grep -A3 "Placement of" "$LOGS/b.err" || true
echo "--- sockets of A's node (the gRPC and Hazelcast listeners and B's connections)"
ip netns exec "$NS_A" ss -tnp | grep java || true
