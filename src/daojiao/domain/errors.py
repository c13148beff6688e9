"""Errors the domain raises; adapters and handlers map them to status codes or step errors."""


class DomainError(Exception):
    """A command that the rules refuse; the message is safe to show to the user."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The signed-in actor may not see or do this."""

    status = 403


class NotFound(DomainError):
    status = 404


class WrongStage(DomainError):
    """The case is not at the stage where this decision is taken."""

    status = 409


class AlreadyDone(DomainError):
    """The same decision or callback came twice; the first one stands."""

    status = 409


class ConcurrencyConflict(Exception):
    """Another writer appended the same version first; reload and decide again."""


class TransientError(Exception):
    """A passing fault of a dependency; the workflow retries the step."""


class CaseWithdrawn(Exception):
    """The claimant withdrew; the workflow closes the case."""


class NoCompetentCourt(Exception):
    """No court on the roster is competent for the case's region."""


class IntakeInvalid(Exception):
    """A filing that should never have been accepted; the case records why."""
