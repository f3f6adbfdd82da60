"""The administrators' area, "/admin/": staff accounts, key holders and the audit log."""
