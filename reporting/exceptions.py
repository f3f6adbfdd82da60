"""Domain errors raised by services; views turn them into pages."""


class DomainError(Exception):
    """Base of every error a service raises on purpose."""


class KeysNotInitialisedError(DomainError):
    """There is no current key of the purpose asked for (run `keys init`)."""


class KeysAlreadyInitialisedError(DomainError):
    """`keys init` ran before; it takes --force to make new keys."""


class DraftNotFoundError(DomainError):
    """The draft is missing, expired, or its key does not open it."""


class IncompleteReportError(DomainError):
    """A required question has no answer; ``step`` names the first one."""

    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step


class AlreadySentError(DomainError):
    """The draft was sent already: show its confirmation, never a second report."""
