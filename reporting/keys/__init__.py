"""Key custody: the service's key pairs (recovery, group, police) as data.

The primitives live in ``reporting.crypto``; this package stores public keys and
wrapped private keys and says which key is current.
"""
