"""Assisted reporting ("/centre/"): centre staff enter a report with the person, through the
same journey, then print a receipt slip. Its own package above cases and journey, so the
centres package (the directory, posters and their admin) imports neither."""
