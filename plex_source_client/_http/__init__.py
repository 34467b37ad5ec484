"""HTTP details, the only modules that touch httpx's and httpcore's internals: reading a body
within limits (:mod:`.body`), the sync client's per-attempt deadline (:mod:`.deadline`,
:mod:`.deadline_backend`), the async client's transports (:mod:`.transports`), the TLS
context every client shares (:mod:`.tls`), making each client's httpx client with its proxies
(:mod:`.clients`) and sending one attempt (:mod:`.attempts`).
"""
