from rest_framework import serializers

from chatsite.serializer_fields import StrictCharField, StrictUUIDField
from conversations.models import Branch, Conversation, Message
from conversations.providers.registry import model_choices, resolve_choice


class MessageOut(serializers.ModelSerializer):
    moderation = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "conversation", "branch", "parent", "role", "content", "status", "kind", "created_at", "error", "moderation"]

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
    initiated_by = serializers.CharField()
    reason = serializers.CharField()
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

    def get_end_event(self, branch: Branch):
        event = self.context.get("end_event")
        return EndEventOut(event).data if event is not None else None

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


class ContentIn(serializers.Serializer):
    # Length and emptiness are checked by the service so pages and API say the same thing.
    content = StrictCharField(allow_blank=True, trim_whitespace=False)


class EndIn(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000)


class CredentialsIn(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=4096, trim_whitespace=False)
