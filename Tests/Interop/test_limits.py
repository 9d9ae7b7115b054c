"""Limits that protect every service from unauthenticated clients, seen from outside: the
HTTP/2 stream limit a server advertises, the bound on health Watch streams, and the idle
timeout of the metrics port."""
import socket
import struct
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from conftest import SERVICES

NAMES = [name for name, _ in SERVICES]
SETTINGS = 0x4
SETTINGS_MAX_CONCURRENT_STREAMS = 0x3


def read_exactly(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError(f"closed after {len(data)} of {count} bytes")
        data += chunk
    return data


def server_settings(port: int) -> dict:
    """The parameters of the server's first SETTINGS frame, read over a raw HTTP/2 connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + struct.pack(">I", 0)[1:] + bytes([SETTINGS, 0]) + struct.pack(">I", 0))
        while True:
            header = read_exactly(sock, 9)
            length = int.from_bytes(header[:3], "big")
            kind, flags = header[3], header[4]
            payload = read_exactly(sock, length)
            if kind == SETTINGS and not flags & 0x1:
                return {
                    int.from_bytes(payload[i:i + 2], "big"): int.from_bytes(payload[i + 2:i + 6], "big")
                    for i in range(0, len(payload), 6)
                }


@pytest.mark.parametrize("name", NAMES)
def test_server_advertises_max_concurrent_streams(services, name):
    settings = server_settings(int(services[name].target.rsplit(":", 1)[1]))
    assert settings.get(SETTINGS_MAX_CONCURRENT_STREAMS) == 128, settings


def test_health_watch_streams_are_bounded(services):
    """STYLECAST_HEALTH_MAX_WATCHERS (default 100): the 101st Watch is RESOURCE_EXHAUSTED naming
    the variable; Check still answers, and a slot frees when a watch ends."""
    service = services["recommendation"]
    channels = [grpc.insecure_channel(service.target) for _ in range(2)]
    watches = []
    try:
        # Two connections, so the HTTP/2 stream limit (128 per connection) is not what refuses.
        for index in range(100):
            stub = health_pb2_grpc.HealthStub(channels[index % 2])
            call = stub.Watch(health_pb2.HealthCheckRequest(service=""), timeout=30)
            assert next(call).status == health_pb2.HealthCheckResponse.SERVING
            watches.append(call)
        extra = health_pb2_grpc.HealthStub(channels[0]).Watch(health_pb2.HealthCheckRequest(service=""), timeout=10)
        with pytest.raises(grpc.RpcError) as refused:
            next(extra)
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "STYLECAST_HEALTH_MAX_WATCHERS=100" in refused.value.details()
        assert service.health("") == health_pb2.HealthCheckResponse.SERVING
        watches.pop().cancel()
        deadline = time.monotonic() + 5
        while True:
            again = health_pb2_grpc.HealthStub(channels[1]).Watch(health_pb2.HealthCheckRequest(service=""), timeout=10)
            try:
                assert next(again).status == health_pb2.HealthCheckResponse.SERVING
                watches.append(again)
                break
            except grpc.RpcError as error:
                assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and time.monotonic() < deadline
                time.sleep(0.05)
    finally:
        for call in watches:
            call.cancel()
        for channel in channels:
            channel.close()


@pytest.mark.parametrize("name", ["ingest"])
def test_metrics_port_closes_idle_connections(services, name):
    """STYLECAST_METRICS_IDLE_MS (1000 in these tests): a connection that sends nothing is closed."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", services[name].metrics_port), timeout=20) as sock:
        assert sock.recv(1) == b""  # the server closed it
    waited = time.monotonic() - start
    assert 0.9 <= waited < 5, waited
