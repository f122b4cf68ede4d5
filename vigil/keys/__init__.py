"""The site's keys under HOME/keys: the Ed25519 signing key (seals, exports, reports) and
the key that encrypts secrets at rest (camera passwords). Below every part that uses them."""
