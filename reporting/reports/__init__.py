"""The domain core: reports, their questions, drafts and submission. No blueprint."""
