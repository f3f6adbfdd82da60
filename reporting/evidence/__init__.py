"""Evidence files attached to reports: type checks, metadata removal, sealing. No blueprint."""
