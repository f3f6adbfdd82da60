"""Retention: the rules, the destroying run, legal holds, erasure and subject access export."""
