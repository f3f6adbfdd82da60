"""Referral to West Mercia Police ("/police/" and the referral service)."""
