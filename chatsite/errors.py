"""The one domain error type. Services raise it; the API and the pages translate it."""


class DomainError(Exception):
    def __init__(self, code: str, detail: str, status: int = 400) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.status = status


def branch_ended() -> DomainError:
    return DomainError(
        "branch_ended",
        "This conversation has ended and takes no more messages. You can start a new conversation, "
        "or edit an earlier message to continue in a new branch.",
        409,
    )


def reply_pending() -> DomainError:
    return DomainError(
        "reply_pending", "The assistant is still replying. Wait for the reply to finish, then send again.", 409
    )


def invalid(detail: str) -> DomainError:
    return DomainError("invalid", detail, 400)


def service_unavailable() -> DomainError:
    return DomainError(
        "service_unavailable",
        "The assistant is unavailable for a moment, so nothing was sent. Try again in a few seconds.",
        503,
    )
