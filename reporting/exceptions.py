"""Domain errors raised by services; views turn them into pages."""


class DomainError(Exception):
    """Base of every error a service raises on purpose."""


class KeysNotInitialisedError(DomainError):
    """There is no current key of the purpose asked for (run `keys init`)."""


class KeysAlreadyInitialisedError(DomainError):
    """`keys init` ran before; it takes --force to make new keys."""


class DraftNotFoundError(DomainError):
    """The draft is missing, expired, or its key does not open it."""


class EvidenceRefusedError(DomainError):
    """An uploaded file was not accepted; ``reason`` is a code the page turns into words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IncompleteReportError(DomainError):
    """A required question has no answer; ``step`` names the first one."""

    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step


class AlreadySentError(DomainError):
    """The draft was sent already: show its confirmation, never a second report."""


class DraftChangedError(DomainError):
    """The draft changed (another tab saved or sent it) since this request read it:
    nothing was written; read it again before deciding what to do."""


class SignInFailedError(DomainError):
    """Email, password or code not accepted. Deliberately says no more."""


class TooManyAttemptsError(DomainError):
    """Repeated failures: this sign-in waits ``seconds`` before a password is checked again."""

    def __init__(self, tag: str = "", seconds: int = 0) -> None:
        super().__init__(tag)
        self.seconds = seconds


class DuplicateEmailError(DomainError):
    """A staff account with this email exists."""


class PasswordPolicyError(DomainError):
    """The new password is too short or too common."""


class NotAKeyHolderError(DomainError):
    """This person holds no grant for the key needed."""


class NoHolderYetError(DomainError):
    """Nobody holds this key yet: its first grant is made with the offline recovery key."""


class LastKeyHolderError(DomainError):
    """The change would leave no one able to read the reports."""


class InvalidTransitionError(DomainError):
    """The case cannot move from its status to the one asked for."""


class PermissionDeniedError(DomainError):
    """The actor may not do this to this object."""


class WrongReceiptError(DomainError):
    """The receipt code does not open a report. Always the same answer."""


class ReceiptWordNeededError(DomainError):
    """The code is one someone else saw: it opens only with the person's word, asked next."""


class ReceiptWordSetError(DomainError):
    """The person chose their receipt's word already: it is never replaced."""


class ReceiptLockedError(DomainError):
    """Too many wrong words for this code: only a new code from the Group opens the report."""


class ConsentError(DomainError):
    """The reporter's police choice does not allow this referral (or these fields)."""


class ApprovalNeededError(DomainError):
    """The two-person rule: this grant waits for a second key holder's approval."""



class AlreadyAskedError(DomainError):
    """The same act on the same report already waits for a second key holder."""


class NoDeliveryRouteError(DomainError):
    """The reporter gave no contact details, with consent, that a new code could go to."""


class DeliveryFailedError(DomainError):
    """The new code could not be sent by the route the reporter asked for: nothing changed."""


class OnLegalHoldError(DomainError):
    """The case is on legal hold: its content is kept until the hold is lifted."""


class ContentDestroyedError(DomainError):
    """The report's content was destroyed under a retention rule or erased on request."""
