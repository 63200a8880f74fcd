from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chatsite.serializer_fields import StrictBooleanField, StrictCharField, StrictUUIDField
from conversations.models import Branch, Conversation, Message
from conversations.providers.registry import model_choices, resolve_choice
from moderation.models import EndReason, Initiator


class ModerationOut(serializers.Serializer):
    labels = serializers.DictField(child=serializers.FloatField(), help_text="Score in [0, 1] per label.")
    flagged = serializers.ListField(child=serializers.CharField(), help_text="The labels over their threshold.")


class MessageOut(serializers.ModelSerializer):
    moderation = serializers.SerializerMethodField(help_text="The assessment of a user message; null for replies.")

    class Meta:
        model = Message
        fields = ["id", "conversation", "branch", "parent", "role", "content", "status", "kind", "created_at", "error", "moderation"]

    @extend_schema_field(ModerationOut(allow_null=True))
    def get_moderation(self, message: Message):
        if message.role != Message.Role.USER or not message.moderation:
            return None
        return {"labels": message.moderation.get("labels", {}), "flagged": message.moderation.get("flagged", [])}


class BranchSummary(serializers.ModelSerializer):
    ended = serializers.BooleanField(read_only=True)

    class Meta:
        model = Branch
        fields = ["id", "tip", "forked_from", "forked_at", "ended", "ended_at", "created_at"]


class ConversationOut(serializers.ModelSerializer):
    branches = BranchSummary(many=True, read_only=True)

    class Meta:
        model = Conversation
        fields = ["id", "title", "created_at", "updated_at", "active_branch", "provider", "model", "branches"]


class EndEventOut(serializers.Serializer):
    id = serializers.UUIDField()
    initiated_by = serializers.ChoiceField(choices=Initiator.choices)
    reason = serializers.ChoiceField(choices=EndReason.choices)
    rationale = serializers.CharField()
    redirect_attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class BranchOut(serializers.Serializer):
    id = serializers.UUIDField()
    conversation = serializers.UUIDField(source="conversation_id")
    tip = serializers.UUIDField(source="tip_id", allow_null=True)
    forked_from = serializers.UUIDField(source="forked_from_id", allow_null=True)
    ended = serializers.BooleanField()
    ended_at = serializers.DateTimeField(allow_null=True)
    reopened_at = serializers.DateTimeField(allow_null=True)
    end_event = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()

    @extend_schema_field(EndEventOut(allow_null=True))
    def get_end_event(self, branch: Branch):
        event = self.context.get("end_event")
        return EndEventOut(event).data if event is not None else None

    @extend_schema_field(MessageOut(many=True))
    def get_messages(self, branch: Branch):
        return MessageOut(self.context.get("messages", []), many=True).data


class ConversationIn(serializers.Serializer):
    title = StrictCharField(required=False, allow_blank=True, max_length=200)
    # One of the configured choices (GET /api/v1/models/); the default when both are left out.
    provider = StrictCharField(required=False, max_length=50)
    model = StrictCharField(required=False, max_length=200)

    def validate(self, data):
        choices = model_choices()
        provider, model = data.get("provider"), data.get("model")
        if provider and provider not in {choice.provider for choice in choices}:
            raise serializers.ValidationError({"provider": "Not a configured provider; see GET /api/v1/models/."})
        choice = resolve_choice(provider=provider, model=model)
        if choice is None:
            raise serializers.ValidationError({"model": "Not a configured model; see GET /api/v1/models/."})
        data["choice"] = choice
        return data


class ConversationPatch(serializers.Serializer):
    title = StrictCharField(required=False, allow_blank=True, max_length=200)
    active_branch = StrictUUIDField(required=False)


class StreamIn(serializers.Serializer):
    stream = StrictBooleanField(
        required=False,
        default=False,
        help_text="true: answer with the reply's server-sent events in this response (`text/event-stream`, "
        "starting with a `created` event that carries the JSON body), so no second request is needed.",
    )


class ContentIn(StreamIn):
    # Length and emptiness are checked by the service so pages and API say the same thing.
    content = StrictCharField(allow_blank=True, trim_whitespace=False)


class EndIn(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000)


class CredentialsIn(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=4096, trim_whitespace=False)


# Bodies of the responses that are not one model.


class SendOut(serializers.Serializer):
    user_message = MessageOut()
    assistant_message = MessageOut(help_text="The pending reply; stream it from messages/{id}/stream/.")


class EditOut(serializers.Serializer):
    branch = BranchSummary(help_text="The new branch, now the conversation's active one.")
    user_message = MessageOut()
    assistant_message = MessageOut()


class RetryOut(serializers.Serializer):
    branch = BranchSummary(help_text="The new branch, now the conversation's active one.")
    assistant_message = MessageOut()


class TokenOut(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class RegisteredOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


# Query parameters.


class ConversationFilters(serializers.Serializer):
    ended = serializers.BooleanField(
        required=False, help_text="true: only conversations whose active branch has ended; false: only open ones."
    )
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Only conversations whose title contains this text (case-insensitive).")
