"""Staff sign-in ("/staff/"): passwords, TOTP, sessions, personal keys."""
