"""The reporter's side after sending ("/status"): progress, messages, more information, evidence."""
