"""The full conversation admin, for superusers only.

Moderators review ends through the moderation admin, which shows the transcript snapshot of an
end or a refusal; browsing everyone's chats is reserved to superusers, whatever permissions a
staff account has been given.
"""

from django.contrib import admin

from conversations.models import Branch, Conversation, Message


class SuperuserOnly:
    def _superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request, *args):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request)


class BranchInline(SuperuserOnly, admin.TabularInline):
    model = Branch
    fk_name = "conversation"
    extra = 0
    can_delete = False
    fields = ["id", "tip", "forked_from", "ended_at", "reopened_at", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["title", "owner", "provider", "model", "updated_at"]
    list_select_related = ["owner"]
    search_fields = ["title", "owner__username"]
    raw_id_fields = ["owner", "active_branch"]
    inlines = [BranchInline]


@admin.register(Message)
class MessageAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["id", "role", "status", "kind", "conversation", "created_at"]
    list_filter = ["role", "status", "kind"]
    list_select_related = ["conversation"]
    raw_id_fields = ["conversation", "branch", "parent"]
    search_fields = ["content"]
