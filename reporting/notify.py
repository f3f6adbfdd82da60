"""Notification emails. They say only that something is waiting, never what.

With no REPORTING_MAIL_SERVER configured (a local install), the fact that a
message would have been sent is logged, without the address.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def send_email(to: str, subject: str, body: str) -> bool:
    """Send one plain-text email; False (and a log line without the address) on failure."""
    config = current_app.config
    server = config.get("MAIL_SERVER")
    if not server:
        log.info("email not sent (no mail server configured): %s", subject)
        return False
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(server, int(config["MAIL_PORT"]), timeout=10) as smtp:
            if config["MAIL_STARTTLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.error("email not sent: %s", type(error).__name__)
        return False
    log.info("email sent: %s", subject)
    return True
