import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM as a flag a command's loop checks, so that it can finish cleanly:
/// commit, leave its group, close. A second signal ends the process at once.
///
/// `@unchecked Sendable`: `sources` is written only in `init`; the flag itself is behind a Mutex.
final class InterruptFlag: @unchecked Sendable {
    private let raised = Mutex(false)
    private var sources: [any DispatchSourceSignal] = []

    init() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in self?.raise() }
            source.resume()
            sources.append(source)
        }
    }

    var isRaised: Bool { raised.withLock { $0 } }

    private func raise() {
        let again = raised.withLock { flag -> Bool in
            defer { flag = true }
            return flag
        }
        if again { exit(130) }
    }
}
