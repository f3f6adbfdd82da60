"""The disclosure gate: the one place through which everything that leaves the Group passes.

Police referral packages and the quarterly extract, partner agencies' pages and meeting
packs, open data, exact exports and subject access exports all ask this package whether
and how something may leave: by the report's consent, the identifying-text check,
suppression and the protective marking. Each disclosure is recorded in the audit log with
what kind of thing left, for whom and under which rule. It sits below every feature that
shares (tests/test_layers.py) and imports none of them.
"""
