"""ApiVersions advertises the classic group APIs at the versions Gregor serves, and not the KIP-848
consumer-group APIs it does not implement (clients pick their group protocol from this answer)."""

import pytest

from kafka_wire import api_versions_roundtrip

GROUP_APIS = {
    8: ("OffsetCommit", 2, 9),
    9: ("OffsetFetch", 1, 9),
    10: ("FindCoordinator", 0, 5),
    11: ("JoinGroup", 0, 9),
    12: ("Heartbeat", 0, 4),
    13: ("LeaveGroup", 0, 5),
    14: ("SyncGroup", 0, 5),
    15: ("DescribeGroups", 0, 5),
    16: ("ListGroups", 0, 5),
    42: ("DeleteGroups", 0, 2),
    47: ("OffsetDelete", 0, 0),
}
NOT_SERVED = {68: "ConsumerGroupHeartbeat", 69: "ConsumerGroupDescribe"}


@pytest.mark.parametrize("version", [0, 3])
def test_group_apis_advertised(group_broker, version):
    error, ranges, _ = api_versions_roundtrip(group_broker.host, group_broker.port, version=version)
    assert error == 0
    expected = {key: (low, high) for key, (_, low, high) in GROUP_APIS.items()}
    assert {key: ranges.get(key) for key in GROUP_APIS} == expected
    assert not set(NOT_SERVED) & set(ranges), \
        f"advertised but not served: {[NOT_SERVED[k] for k in set(NOT_SERVED) & set(ranges)]}"
