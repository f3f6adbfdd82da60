"""Reporting centres: libraries, council offices, charities where staff help people report."""
