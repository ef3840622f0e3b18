# Shared by the demo scripts (source it): a free loopback port, and waiting for
# a sandbox started in the background to print its base URL.

# A free TCP port on 127.0.0.1 (for a listener whose URL the sandbox needs up front).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_sandbox PID OUT LOG: prints the base URL (the first line the sandbox
# writes to OUT); fails with the sandbox's LOG if it exits or is silent for 10 s.
wait_for_sandbox() {
  local pid=$1 out=$2 log=$3
  for _ in $(seq 1 100); do
    if [ -s "$out" ]; then
      head -n 1 "$out"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the sandbox exited before printing its address:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "the sandbox printed no address within 10 s:" >&2
  cat "$log" >&2
  return 1
}
