"""The training passport: a person's verified training as signed Open Badges 3.0 credentials.

- ``keys``: each organisation's Ed25519 signing key (made on first need, the private half kept
  encrypted) and its public keys as a JWKS;
- ``credentials``: a person's current training records issued as credentials (VC-JWT, W3C
  Verifiable Credentials 2.0 and Open Badges 3.0);
- ``status_list``: revocation, and the issuer's signed BitstringStatusList;
- ``verification``: reading what someone pasted or uploaded, and one verdict per credential
  (signature, issuer, dates, revocation) in plain words;
- ``sharing``: secret share links, and a receiving organisation accepting verified credentials
  as training records of its own people.
"""
