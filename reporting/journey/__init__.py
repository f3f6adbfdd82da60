"""The step-by-step journey shared by public, assisted (centre) and phone entry.

``services.submit_draft`` turns a finished draft into a report; ``views`` holds the
view helpers each blueprint calls with its own ``JourneyConfig``.
"""
