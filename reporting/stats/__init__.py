"""Statistics for the Partnership ("/stats/"), computed from clear columns only.

Nothing here opens a sealed value or needs a key: every query selects named clear
columns (reports, strands, incident types, case events' kinds and times, referrals'
states and times) and groups in SQL.
"""
