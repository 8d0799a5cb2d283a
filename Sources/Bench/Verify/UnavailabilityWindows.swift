/// Something done to the cluster during a run, at a time since the run began: a kill, a restart, an
/// isolation. Unavailability windows are aligned with them.
public struct FaultEvent: Sendable, Hashable, Codable, CustomStringConvertible {
    public var timeMs: Int64
    /// What was done, as a person reads it: `kill 2 (leader(orders,0))`.
    public var action: String
    /// The fault (kill, restart, pause, resume), when a schedule injected it.
    public var fault: String?
    /// The brokers it hit.
    public var nodes: [Int32]?
    /// How long injecting it took (a restart waits for the broker to answer).
    public var durationMs: Int64?

    public init(timeMs: Int64, action: String, fault: String? = nil, nodes: [Int32]? = nil, durationMs: Int64? = nil) {
        self.timeMs = timeMs
        self.action = action
        self.fault = fault
        self.nodes = nodes
        self.durationMs = durationMs
    }

    public var description: String { "\(action) at \(timeMs) ms" }
}

/// A period in which the cluster acknowledged nothing, with the faults that began during it or in the
/// second before it (those that likely caused it).
public struct UnavailabilityWindow: Sendable, Hashable, Codable {
    public var startMs: Int64
    public var endMs: Int64
    public var faults: [FaultEvent]

    public var durationMs: Int64 { endMs - startMs }
}

enum UnavailabilityWindows {
    /// How long before a window a fault still counts as its likely cause.
    static let lookbackMs: Int64 = 1000

    /// Gaps of at least `minimumGapMs` between consecutive acknowledgements (the run's producers
    /// together), from the first acknowledgement to the last.
    static func find(acknowledgementTimes: [Int64], minimumGapMs: Int64, faults: [FaultEvent]) -> [UnavailabilityWindow] {
        let times = acknowledgementTimes.sorted()
        var windows: [UnavailabilityWindow] = []
        for (earlier, later) in zip(times, times.dropFirst()) where later - earlier >= minimumGapMs {
            let causes = faults.filter { $0.timeMs >= earlier - lookbackMs && $0.timeMs <= later }.sorted { $0.timeMs < $1.timeMs }
            windows.append(UnavailabilityWindow(startMs: earlier, endMs: later, faults: causes))
        }
        return windows
    }
}
