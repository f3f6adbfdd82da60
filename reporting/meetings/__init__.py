"""The Hate Crime Reporting Group's meetings, partner agencies and their actions."""
