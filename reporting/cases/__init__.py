"""The Hate Crime Reporting Group's queue and case pages ("/review/")."""
