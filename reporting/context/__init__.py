"""Context for a rise in reports (issue 30 item 7): what the Group did that may bring more
reports (initiatives: a campaign, a new centre, Hate Crime Awareness Week) and how many people
live in each area (for rates per 1,000 residents).

Clear data only: short plain titles, dates, codes and counts; no case content and no key. The
statistics (reporting/stats/context.py) read these to mark the trend and work out rates; this
package never imports the statistics.
"""
