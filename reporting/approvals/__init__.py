"""The two-person rule for acts on a report that cannot be undone or change who speaks as the reporter."""
