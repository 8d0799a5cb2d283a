import KafkaProtocol
import KafkaRecords

extension KafkaAdmin {
    /// Every group of the cluster: ListGroups to each broker (each lists the groups it coordinates).
    /// `states` (`Stable`, `Empty`, ...) filters on the broker (ListGroups v4+).
    public func listGroups(states: [String] = []) async throws -> [GroupListing] {
        let brokers = try await cluster.refreshMetadata(topics: []).brokers.keys.sorted()
        var listings: [GroupListing] = []
        for nodeId in brokers {
            var attempt = 0
            while true {
                let connection = try await cluster.connection(to: nodeId)
                let version = try connection.version(.listGroups)
                if !states.isEmpty, version < 4 {
                    throw KafkaClientError(.unsupportedVersion, "broker \(nodeId) cannot filter groups by state (needs ListGroups v4)")
                }
                var request = ListGroupsRequest()
                if version >= 4 { request.statesFilter = states }
                let response = try await connection.send(request, version: version)
                let error = ErrorCode(response.errorCode)
                if error == .coordinatorLoadInProgress || error == .coordinatorNotAvailable, attempt < 4 {
                    attempt += 1
                    try await Task.sleep(for: cluster.configuration.retryBackoff)
                    continue
                }
                if error != .noError { throw KafkaClientError.broker(error, "ListGroups on broker \(nodeId) failed") }
                listings += response.groups.map {
                    GroupListing(
                        groupId: $0.groupId, protocolType: $0.protocolType, state: version >= 4 ? $0.groupState : nil,
                        groupType: version >= 5 ? $0.groupType : nil, coordinatorId: nodeId)
                }
                break
            }
        }
        return listings.sorted { $0.groupId < $1.groupId }
    }

    /// Groups with their state, selected assignor and members (client id, host, decoded subscription
    /// and assignment), from each group's coordinator. Results come in the order asked.
    public func describeGroups(_ groupIds: [String]) async throws -> [GroupDescription] {
        let answers = try await perCoordinator(groupIds) { node, connection, groups -> [String: Result<GroupDescription, KafkaClientError>] in
            let response = try await connection.send(DescribeGroupsRequest(groups: groups))
            var results: [String: Result<GroupDescription, KafkaClientError>] = [:]
            for group in response.groups {
                if let error = itemError(group.errorCode, nil, "cannot describe group '\(group.groupId)'"),
                    error.brokerError?.meansCoordinatorMoved == true || error.brokerError == .coordinatorLoadInProgress
                {
                    results[group.groupId] = .failure(error)
                    continue
                }
                let consumer = group.protocolType == "consumer"
                results[group.groupId] = .success(GroupDescription(
                    groupId: group.groupId, state: group.groupState, protocolType: group.protocolType, protocolName: group.protocolData,
                    members: group.members.map { GroupMemberDescription($0, consumerProtocol: consumer) }, coordinator: node,
                    error: itemError(group.errorCode, nil, "cannot describe group '\(group.groupId)'")))
            }
            return results
        }
        return groupIds.map { id in
            switch answers[id] {
            case .success(let description)?: description
            case .failure(let error)?: GroupDescription(groupId: id, state: "Unknown", protocolType: "", protocolName: "", members: [], error: error)
            case nil: GroupDescription(groupId: id, state: "Unknown", protocolType: "", protocolName: "", members: [], error: KafkaClientError(.malformedResponse, "no answer for group '\(id)'"))
            }
        }
    }

    /// Deletes groups with their committed offsets (DeleteGroups); a group with members fails with
    /// NON_EMPTY_GROUP, an unknown one with GROUP_ID_NOT_FOUND.
    public func deleteGroups(_ groupIds: [String]) async throws -> [AdminItemResult] {
        let answers = try await perCoordinator(groupIds) { _, connection, groups -> [String: Result<Void, KafkaClientError>] in
            var request = DeleteGroupsRequest()
            request.groupsNames = groups
            let response = try await connection.send(request)
            var results: [String: Result<Void, KafkaClientError>] = [:]
            for result in response.results {
                results[result.groupId] = itemError(result.errorCode, nil, "cannot delete group '\(result.groupId)'").map { .failure($0) } ?? .success(())
            }
            return results
        }
        return groupIds.map { id in
            if case .failure(let error)? = answers[id] { return AdminItemResult(name: id, error: error) }
            return AdminItemResult(name: id, error: answers[id] == nil ? KafkaClientError(.malformedResponse, "no answer for group '\(id)'") : nil)
        }
    }

    /// Sends per-group requests to each group's coordinator (FindCoordinator, batched from v4). Groups
    /// whose answer says the coordinator moved, is loading or unavailable are looked up and sent again
    /// (five attempts in all).
    func perCoordinator<Value: Sendable>(
        _ groups: [String],
        _ send: (BrokerInfo, BrokerConnection, [String]) async throws -> [String: Result<Value, KafkaClientError>]
    ) async throws -> [String: Result<Value, KafkaClientError>] {
        var results: [String: Result<Value, KafkaClientError>] = [:]
        var remaining = Array(Set(groups)).sorted()
        for attempt in 0..<5 where !remaining.isEmpty {
            if attempt > 0 { try await Task.sleep(for: cluster.configuration.retryBackoff) }
            let last = attempt == 4
            let coordinators = try await cluster.findCoordinators(remaining)
            var byNode: [Int32: (BrokerInfo, [String])] = [:]
            var retry: [String] = []
            for group in remaining {
                switch coordinators[group] {
                case .success(let node)?: byNode[node.nodeId, default: (node, [])].1.append(group)
                case .failure(let error)? where !error.isRetriable || last: results[group] = .failure(error)
                default: retry.append(group)
                }
            }
            for (nodeId, (node, names)) in byNode.sorted(by: { $0.key < $1.key }) {
                let answers: [String: Result<Value, KafkaClientError>]
                do {
                    answers = try await send(node, try await cluster.connection(to: nodeId), names)
                } catch let error as KafkaClientError where error.isRetriable && !last {
                    retry += names
                    continue
                }
                for name in names {
                    let answer = answers[name] ?? .failure(KafkaClientError(.malformedResponse, "no answer for group '\(name)'"))
                    if case .failure(let error) = answer, let code = error.brokerError,
                        code.meansCoordinatorMoved || code == .coordinatorLoadInProgress, !last
                    {
                        retry.append(name)
                    } else {
                        results[name] = answer
                    }
                }
            }
            remaining = retry
        }
        return results
    }
}
