"""The link between a unit (site) and its public security bureau (A3, A4, A13; N5, N14).

Every message either way is an envelope {sender, receiver, type, id, time, body} signed
with the sender's Ed25519 key over its RFC 8785 canonical form (`envelope`). Each side
queues what it sends in an outbox table of its own database, in the transaction of the act
that sends it (`outbox.enqueue`), and a worker delivers the queue in order over HTTP with
the message id as idempotency key (`delivery`); the receiver checks the envelope and keeps
an inbox whose message id is unique, so a redelivery is acknowledged but applied once
(`inbox`). Handlers of incoming message types are registered per side (`handlers`).
"""
