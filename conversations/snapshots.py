"""What an end or a refused end keeps of its branch for staff review: the messages as they were
and the assessments of the user's turns."""

from conversations.models import Message


def transcript_snapshot(path: list[Message]) -> list[dict]:
    return [
        {
            "id": str(m.id),
            "role": m.role,
            "content": m.content,
            "kind": m.kind,
            "status": m.status,
            "moderation": m.moderation,
            "created_at": m.created_at.isoformat(),
        }
        for m in path
    ]


def assessments_of(path: list[Message]) -> list[dict]:
    return [{"message": str(m.id), **m.moderation} for m in path if m.role == Message.Role.USER and m.moderation]
