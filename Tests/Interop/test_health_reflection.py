"""Python grpcio, the reference gRPC implementation, talks to every Stylecast service:
health checks, server reflection, and the v1 contract that outside clients rely on."""
import urllib.request

import grpc
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_health.v1 import health_pb2
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from conftest import SERVICES

NAMES = [name for name, _ in SERVICES]
F = descriptor_pb2.FieldDescriptorProto


@pytest.mark.parametrize("name", NAMES)
def test_health_check_reports_serving_for_server_and_service(services, name):
    service = services[name]
    assert service.health("") == health_pb2.HealthCheckResponse.SERVING
    assert service.health(service.grpc_service) == health_pb2.HealthCheckResponse.SERVING


@pytest.mark.parametrize("name", NAMES)
def test_health_check_of_unknown_service_is_not_found(services, name):
    with pytest.raises(grpc.RpcError) as failure:
        services[name].health("stylecast.v1.NoSuchService")
    assert failure.value.code() == grpc.StatusCode.NOT_FOUND
    assert "NoSuchService" in failure.value.details()


@pytest.mark.parametrize("name", NAMES)
def test_reflection_lists_the_service_health_and_reflection(services, name):
    service = services[name]
    database = ProtoReflectionDescriptorDatabase(service.channel)
    assert sorted(database.get_services()) == sorted(
        [service.grpc_service, "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"]
    )


@pytest.mark.parametrize("name", NAMES)
def test_reflection_describes_the_service_methods(services, name):
    service = services[name]
    pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(service.channel))
    described = pool.FindServiceByName(service.grpc_service)
    assert len(described.methods) >= 3
    for method in described.methods:
        assert method.input_type.full_name.startswith("stylecast.v1.")


def test_reflection_answers_unknown_symbol_with_not_found(services):
    channel = services["ingest"].channel
    stub = reflection_pb2_grpc_stub(channel)
    responses = list(
        stub.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(file_containing_symbol="no.such.Symbol")]), timeout=5
        )
    )
    assert len(responses) == 1
    assert responses[0].error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]
    assert "no.such.Symbol" in responses[0].error_response.error_message


def reflection_pb2_grpc_stub(channel):
    from grpc_reflection.v1alpha import reflection_pb2_grpc

    return reflection_pb2_grpc.ServerReflectionStub(channel)


def _label(field):
    # protobuf 6 replaced FieldDescriptor.label with is_repeated.
    repeated = field.is_repeated if hasattr(field, "is_repeated") else field.label == F.LABEL_REPEATED
    return F.LABEL_REPEATED if repeated else F.LABEL_OPTIONAL


def _fields(descriptor):
    return {(f.name, f.number, f.type, _label(f)) for f in descriptor.fields}


@pytest.mark.parametrize(
    "ours, official",
    [
        ("grpc.health.v1.HealthCheckRequest", health_pb2.HealthCheckRequest.DESCRIPTOR),
        ("grpc.health.v1.HealthCheckResponse", health_pb2.HealthCheckResponse.DESCRIPTOR),
        ("grpc.reflection.v1alpha.ServerReflectionRequest", reflection_pb2.ServerReflectionRequest.DESCRIPTOR),
        ("grpc.reflection.v1alpha.ServerReflectionResponse", reflection_pb2.ServerReflectionResponse.DESCRIPTOR),
        ("grpc.reflection.v1alpha.FileDescriptorResponse", reflection_pb2.FileDescriptorResponse.DESCRIPTOR),
        ("grpc.reflection.v1alpha.ListServiceResponse", reflection_pb2.ListServiceResponse.DESCRIPTOR),
        ("grpc.reflection.v1alpha.ErrorResponse", reflection_pb2.ErrorResponse.DESCRIPTOR),
    ],
)
def test_served_health_and_reflection_protos_match_the_official_descriptors(services, ours, official):
    pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(services["recommendation"].channel))
    assert _fields(pool.FindMessageTypeByName(ours)) == _fields(official)


def test_health_service_methods_match_the_official_descriptor(services):
    pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(services["ingest"].channel))
    ours = pool.FindServiceByName("grpc.health.v1.Health")
    official = health_pb2.DESCRIPTOR.services_by_name["Health"]
    assert {(m.name, m.input_type.full_name, m.output_type.full_name) for m in ours.methods} == {
        (m.name, m.input_type.full_name, m.output_type.full_name) for m in official.methods
    }


@pytest.mark.parametrize(
    "message, expected",
    [
        ("stylecast.v1.EmbedRequest", {("texts", 1, F.TYPE_STRING, F.LABEL_REPEATED)}),
        ("stylecast.v1.EmbedResponse", {("embeddings", 1, F.TYPE_MESSAGE, F.LABEL_REPEATED)}),
        ("stylecast.v1.Embedding", {("values", 1, F.TYPE_FLOAT, F.LABEL_REPEATED), ("token_count", 2, F.TYPE_UINT32, F.LABEL_OPTIONAL)}),
        ("stylecast.v1.ForecastRequest", {("history", 1, F.TYPE_DOUBLE, F.LABEL_REPEATED), ("horizon", 2, F.TYPE_UINT32, F.LABEL_OPTIONAL), ("season_length", 3, F.TYPE_UINT32, F.LABEL_OPTIONAL)}),
        ("stylecast.v1.ForecastResponse", {("point", 1, F.TYPE_DOUBLE, F.LABEL_REPEATED), ("lower", 2, F.TYPE_DOUBLE, F.LABEL_REPEATED), ("upper", 3, F.TYPE_DOUBLE, F.LABEL_REPEATED), ("model", 4, F.TYPE_STRING, F.LABEL_OPTIONAL)}),
        ("stylecast.v1.ForecastNewProductResponse", {("weekly_sales", 1, F.TYPE_DOUBLE, F.LABEL_REPEATED)}),
        ("stylecast.v1.RecommendRequest", {("user_id", 1, F.TYPE_STRING, F.LABEL_OPTIONAL), ("k", 2, F.TYPE_UINT32, F.LABEL_OPTIONAL)}),
        ("stylecast.v1.RecommendResponse", {("items", 1, F.TYPE_MESSAGE, F.LABEL_REPEATED)}),
        ("stylecast.v1.ScoredItem", {("item_id", 1, F.TYPE_STRING, F.LABEL_OPTIONAL), ("score", 2, F.TYPE_DOUBLE, F.LABEL_OPTIONAL)}),
        ("stylecast.v1.GenerateRequest", {("prompt", 1, F.TYPE_STRING, F.LABEL_OPTIONAL), ("count", 2, F.TYPE_UINT32, F.LABEL_OPTIONAL), ("seed", 3, F.TYPE_UINT64, F.LABEL_OPTIONAL)}),
        ("stylecast.v1.GenerateResponse", {("images", 1, F.TYPE_MESSAGE, F.LABEL_REPEATED)}),
        ("stylecast.v1.GeneratedImage", {("png", 1, F.TYPE_BYTES, F.LABEL_OPTIONAL), ("category", 2, F.TYPE_STRING, F.LABEL_OPTIONAL)}),
        ("stylecast.v1.IngestSummary", {("accepted", 1, F.TYPE_UINT64, F.LABEL_OPTIONAL), ("rejected", 2, F.TYPE_UINT64, F.LABEL_OPTIONAL), ("duplicates", 3, F.TYPE_UINT64, F.LABEL_OPTIONAL), ("errors", 4, F.TYPE_MESSAGE, F.LABEL_REPEATED)}),
    ],
)
def test_v1_contract_fields_are_served_as_agreed(services, message, expected):
    pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(services["trend-aggregation"].channel))
    described = _fields(pool.FindMessageTypeByName(message))
    assert expected <= described, f"{message}: missing {expected - described}"


def test_forecast_new_product_request_has_the_agreed_fields(services):
    pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(services["trend-aggregation"].channel))
    request = pool.FindMessageTypeByName("stylecast.v1.ForecastNewProductRequest")
    names = {f.name: f.type for f in request.fields}
    for field in ["category", "color", "fabric", "season", "release_date"]:
        assert names[field] == F.TYPE_STRING
    assert names["horizon"] == F.TYPE_UINT32


def test_ingest_items_is_client_streaming(services):
    pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(services["ingest"].channel))
    method = pool.FindServiceByName("stylecast.v1.Ingest").methods_by_name["IngestItems"]
    assert method.client_streaming and not method.server_streaming
    assert method.input_type.full_name == "stylecast.v1.FashionItem"


@pytest.mark.parametrize("name", NAMES)
def test_metrics_endpoint_counts_the_health_checks(services, name):
    service = services[name]
    service.health("")
    body = urllib.request.urlopen(f"http://127.0.0.1:{service.metrics_port}/metrics", timeout=5).read().decode()
    assert 'stylecast_rpc_total{method="grpc.health.v1.Health/Check",code="ok"}' in body
