"""Starts the five built Stylecast services against the test Redis for the interop tests.

scripts/test.sh sets STYLECAST_BIN_DIR (the SwiftPM bin folder) and STYLECAST_TEST_REDIS_URL
(a throwaway redis-server). Each service gets free gRPC and metrics ports.
"""
import os
import random
import signal
import socket
import subprocess
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

SERVICES = [
    ("ingest", "stylecast.v1.Ingest"),
    ("text-embedding", "stylecast.v1.TextEmbedding"),
    ("image-generation", "stylecast.v1.ImageGeneration"),
    ("recommendation", "stylecast.v1.Recommendation"),
    ("trend-aggregation", "stylecast.v1.TrendAggregation"),
]


def _listening_port_range() -> range:
    """10000 up to just below the kernel's ephemeral range, where outgoing connections never get
    their port: a port checked free here stays free until a service binds it (port 0 would
    hand out one that any client connection may take in between). Tests/StylecastTestSupport's
    LoopbackPorts does the same for the Swift tests."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            ephemeral_low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768
    return range(10000, ephemeral_low) if ephemeral_low - 10000 >= 1000 else range(0)


_handed_out: set = set()


def free_port() -> int:
    """A loopback port nobody listens on now, not handed out before in this session."""
    candidates = _listening_port_range()
    if not candidates:  # the ephemeral range starts too low: let the kernel pick
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    for _ in range(200):
        port = random.choice(candidates)
        if port in _handed_out:
            continue
        _handed_out.add(port)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free loopback port in {candidates.start}-{candidates.stop - 1}")


class RunningService:
    def __init__(self, name: str, grpc_service: str, process: subprocess.Popen, port: int, metrics_port: int):
        self.name = name
        self.grpc_service = grpc_service
        self.process = process
        self.target = f"127.0.0.1:{port}"
        self.metrics_port = metrics_port
        self.channel = grpc.insecure_channel(self.target)

    def health(self, service: str = "", timeout: float = 2.0) -> int:
        stub = health_pb2_grpc.HealthStub(self.channel)
        return stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout).status


@pytest.fixture(scope="session")
def services():
    bin_dir = os.environ.get("STYLECAST_BIN_DIR", ".build/debug")
    redis_url = os.environ.get("STYLECAST_TEST_REDIS_URL")
    if not redis_url:
        pytest.fail("STYLECAST_TEST_REDIS_URL is not set: run the interop tests through scripts/test.sh")
    running = []
    for name, grpc_service in SERVICES:
        port, metrics_port = free_port(), free_port()
        env = dict(os.environ)
        env.update(
            STYLECAST_REDIS_URL=redis_url,
            STYLECAST_GRPC_HOST="127.0.0.1",
            STYLECAST_GRPC_PORT=str(port),
            STYLECAST_METRICS_HOST="127.0.0.1",
            STYLECAST_METRICS_PORT=str(metrics_port),
            STYLECAST_HEALTH_INTERVAL_MS="200",
            STYLECAST_METRICS_IDLE_MS="1000",
        )
        process = subprocess.Popen(
            [os.path.join(bin_dir, name)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        running.append(RunningService(name, grpc_service, process, port, metrics_port))
    deadline = time.monotonic() + 60
    for service in running:
        while True:
            try:
                if service.health() == health_pb2.HealthCheckResponse.SERVING:
                    break
            except grpc.RpcError:
                pass
            if service.process.poll() is not None:
                pytest.fail(f"{service.name} exited with {service.process.returncode}: {service.process.stderr.read().decode()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{service.name} did not become SERVING within 60 s")
            time.sleep(0.1)
    yield {service.name: service for service in running}
    for service in running:
        service.channel.close()
        service.process.send_signal(signal.SIGTERM)
    for service in running:
        code = service.process.wait(timeout=15)
        assert code == 0, f"{service.name} exited with {code} after SIGTERM"
