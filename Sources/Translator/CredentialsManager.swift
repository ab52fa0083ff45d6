import AWSSigV4
import CurlMulti
import EventLoop
import Foundation
import GatewayLog
import GatewayWire
import TranslatorCore

/// Owns the translator's AWS credentials: the refresh state machine plus the one fetch it may have in
/// flight; requests that must wait are parked here and resumed when the fetch completes.
final class CredentialsManager {
    private let source: CredentialSource
    private let curl: CurlMulti
    private var state = ExpiringCredentials()
    private var waiting: [(Result<AWSCredentials, GatewayError>) -> Void] = []
    private var transfer: CurlTransfer?

    init(source: CredentialSource, curl: CurlMulti) {
        self.source = source
        self.curl = curl
        if case .environment(let credentials) = source {
            state.refreshSucceeded(credentials, expiration: nil, now: nowSeconds())
        }
    }

    func withCredentials(_ completion: @escaping (Result<AWSCredentials, GatewayError>) -> Void) {
        let outcome = state.credentials(now: nowSeconds())
        if outcome.startRefresh { startRefresh() }
        switch outcome.decision {
        case .use(let credentials): completion(.success(credentials))
        case .wait: waiting.append(completion)
        case .unavailable(let reason):
            Log.error("no usable AWS credentials: \(reason)")
            completion(.failure(GatewayError(.credentialsFailure, "The gateway has no usable AWS credentials.")))
        }
    }

    private func startRefresh() {
        guard case .container(let endpoint) = source else {
            // Static credentials never need a refresh; finish the state machine's request at once.
            state.refreshFailed("static credentials cannot be refreshed", now: nowSeconds())
            return
        }
        var headers: [(String, String)] = [("Accept", "application/json")]
        if let file = endpoint.authorizationTokenFile {
            guard let token = try? String(contentsOfFile: file, encoding: .utf8) else {
                finish(.failure("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)"))
                return
            }
            headers.append(("Authorization", token.trimmingCharacters(in: .whitespacesAndNewlines)))
        } else if let token = endpoint.authorizationToken {
            headers.append(("Authorization", token))
        }
        let transfer = CurlTransfer(method: "GET", url: endpoint.url, headers: headers, body: [], connectTimeout: 2, totalTimeout: 5)
        var status = 0
        var body: [UInt8] = []
        transfer.onResponse = { code, _ in status = code }
        transfer.onData = { bytes in
            body.append(contentsOf: bytes)
            return .proceed
        }
        transfer.onComplete = { [weak self] result in
            guard let self else { return }
            self.transfer = nil
            switch result {
            case .failure(let error):
                self.finish(.failure("container credentials endpoint unreachable: \(error)"))
            case .success:
                guard status == 200 else {
                    self.finish(.failure("container credentials endpoint answered HTTP \(status)"))
                    return
                }
                switch ContainerCredentialsResponse.parse(body) {
                case .success(let (credentials, expiration)): self.finish(.success((credentials, expiration)))
                case .failure(let error): self.finish(.failure(error.message))
                }
            }
        }
        self.transfer = transfer
        curl.add(transfer)
    }

    private enum FetchResult {
        case success((AWSCredentials, Double?))
        case failure(String)
    }

    private func finish(_ result: FetchResult) {
        let now = nowSeconds()
        switch result {
        case .success(let (credentials, expiration)):
            state.refreshSucceeded(credentials, expiration: expiration, now: now)
            let remaining = expiration.map { String(Int($0 - now)) + " s" } ?? "no expiry"
            Log.info("refreshed AWS credentials from the container endpoint (access key \(credentials.accessKeyId.prefix(4))…, valid \(remaining))")
        case .failure(let reason):
            state.refreshFailed(reason, now: now)
            Log.error("AWS credential refresh failed: \(reason)")
        }
        let parked = waiting
        waiting = []
        for completion in parked { withCredentials(completion) }
    }
}
